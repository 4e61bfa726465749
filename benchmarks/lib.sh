# What the benchmark scripts share (run.sh, warm20k.sh, before-after.sh source this file and call
# it from the repository's root).
#   JVM_FLAGS     the heap of every benchmark JVM
#   build_benchmarks DIR  builds the benchmarks module of the checkout in DIR (with what it needs)
#                 and sets CP to its classes and class path, as absolute paths
# The receiver of every HTTP benchmark: nginx from Debian's packages, in its own process, answering
# 204 after reading the body.
#   start_nginx   installs nginx-light if missing, starts it on 127.0.0.1:$PORT (default 18080),
#                 sets URL=http://127.0.0.1:$PORT/ and exports it as NGINX_URL, and stops it when the
#                 script exits (an EXIT trap; a script that sets its own trap calls stop_nginx in it).
#                 When NGINX_URL is already set (a calling script started it), it only sets URL.

JVM_FLAGS="-Xms1g -Xmx4g ${EXTRA_JVM:-}"

build_benchmarks() {
  (cd "$1" && mvn -B -q -pl benchmarks -am package -DskipTests)
  local dir
  dir=$(cd "$1" && pwd)
  CP="$dir/benchmarks/target/classes:$(cat "$dir/benchmarks/target/classpath.txt")"
}

start_nginx() {
  if [ -n "${NGINX_URL:-}" ]; then
    URL=$NGINX_URL
    return
  fi
  PORT=${PORT:-18080}
  if ! command -v nginx >/dev/null 2>&1; then
    echo "installing nginx (Debian package nginx-light)..." >&2
    if [ "$(id -u)" = 0 ]; then apt-get install -y -q nginx-light >/dev/null; else sudo apt-get install -y -q nginx-light >/dev/null; fi
  fi
  NGINX_DIR=$(pwd)/benchmarks/target/nginx
  mkdir -p "$NGINX_DIR"
  cat > "$NGINX_DIR/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 120s;
  client_body_buffer_size 128k;
  client_body_temp_path $NGINX_DIR/body;
  proxy_temp_path $NGINX_DIR/proxy;
  fastcgi_temp_path $NGINX_DIR/fastcgi;
  uwsgi_temp_path $NGINX_DIR/uwsgi;
  scgi_temp_path $NGINX_DIR/scgi;
  server {
    listen 127.0.0.1:$PORT;
    location / { return 204; }
  }
}
CONF
  nginx -c "$NGINX_DIR/nginx.conf"
  trap stop_nginx EXIT
  export NGINX_URL=http://127.0.0.1:$PORT/
  URL=$NGINX_URL
}

stop_nginx() {
  if [ -n "${NGINX_DIR:-}" ]; then
    nginx -c "$NGINX_DIR/nginx.conf" -s stop 2>/dev/null || true
  fi
}
