package dev.hookpost;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A condition on an event's content that a subscription may carry ({@link
 * Subscription.Builder#filter}): only events it matches are delivered to that subscription.
 * Paths are JSON pointers (RFC 6901) into the envelope, so the payload is under {@code /data}:
 *
 * <pre>{@code
 * ContentFilter germanBigOrders = ContentFilter.and(
 *     ContentFilter.eq("/data/country", "DE"),
 *     ContentFilter.gte("/data/total", 100));
 * }</pre>
 *
 * <p>Operators: {@link #eq}, {@link #in}, {@link #gt}/{@link #gte}/{@link #lt}/{@link #lte}
 * (numbers compare as numbers, strings lexicographically, e.g. ISO dates; other pairs never
 * match), {@link #exists} (present, JSON {@code null} included), {@link #prefix} (strings), and
 * {@link #and}/{@link #or}/{@link #not}. A path the event does not have matches nothing but
 * {@code not(...)}. Numbers are equal by value ({@code 1} equals {@code 1.0}).
 *
 * <p>Every filter has a JSON form ({@link #toJson()}, read back by {@link #parse}) that a registry
 * can store: {@code {"op":"eq","path":"/data/country","value":"DE"}}, {@code "in"} with
 * {@code "values":[...]}, {@code "exists"} with a path only, {@code "and"}/{@code "or"} with
 * {@code "filters":[...]}, {@code "not"} with {@code "filter":{...}}.
 *
 * <p>The publisher parses an event's serialized envelope once, and only when a matching
 * subscription has a filter; each filter then reads that tree. Immutable and thread-safe.
 */
public final class ContentFilter {
  /** Strict: trailing content and a key given twice are errors, not silently dropped. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private enum Op { EQ, IN, GT, GTE, LT, LTE, EXISTS, PREFIX, AND, OR, NOT }

  private final Op op;
  private final String path;
  private final JsonPointer pointer;
  private final List<JsonNode> values; // EQ, comparisons, PREFIX: one; IN: one or more
  private final List<ContentFilter> operands; // AND, OR: one or more; NOT: one

  private ContentFilter(Op op, String path, List<JsonNode> values, List<ContentFilter> operands) {
    boolean leaf = op != Op.AND && op != Op.OR && op != Op.NOT;
    if (leaf && path == null) {
      throw new IllegalArgumentException("filter " + op.name().toLowerCase(Locale.ROOT) + " needs a path, a JSON"
          + " pointer such as '/data/country'");
    }
    this.op = op;
    this.path = path;
    this.pointer = leaf ? pointer(path) : null;
    this.values = values;
    this.operands = operands;
  }

  /** The value at {@code path} equals {@code value} (a string, number, boolean or null). */
  public static ContentFilter eq(String path, Object value) {
    return new ContentFilter(Op.EQ, path, List.of(scalar("eq", value)), List.of());
  }

  /**
   * The value at {@code path} equals one of {@code values}.
   *
   * @throws IllegalArgumentException if there are no values, or one is not a string, number,
   *     boolean or null
   */
  public static ContentFilter in(String path, Object... values) {
    if (values == null || values.length == 0) {
      throw new IllegalArgumentException("filter in(" + path + ") needs at least one value, e.g. in(\"" + path
          + "\", \"DE\", \"AT\")");
    }
    List<JsonNode> nodes = new ArrayList<>(values.length);
    for (Object v : values) {
      nodes.add(scalar("in", v));
    }
    return new ContentFilter(Op.IN, path, List.copyOf(nodes), List.of());
  }

  /** The value at {@code path} is greater than {@code value} (a number or a string). */
  public static ContentFilter gt(String path, Object value) {
    return compare(Op.GT, path, value);
  }

  /** The value at {@code path} is greater than or equal to {@code value} (a number or a string). */
  public static ContentFilter gte(String path, Object value) {
    return compare(Op.GTE, path, value);
  }

  /** The value at {@code path} is less than {@code value} (a number or a string). */
  public static ContentFilter lt(String path, Object value) {
    return compare(Op.LT, path, value);
  }

  /** The value at {@code path} is less than or equal to {@code value} (a number or a string). */
  public static ContentFilter lte(String path, Object value) {
    return compare(Op.LTE, path, value);
  }

  /** The event has a value at {@code path}, JSON {@code null} included. */
  public static ContentFilter exists(String path) {
    return new ContentFilter(Op.EXISTS, path, List.of(), List.of());
  }

  /** The value at {@code path} is a string that starts with {@code prefix}. */
  public static ContentFilter prefix(String path, String prefix) {
    if (prefix == null) {
      throw new IllegalArgumentException("filter prefix(" + path + ") needs a string prefix, not null");
    }
    return new ContentFilter(Op.PREFIX, path, List.of(NODES.textNode(prefix)), List.of());
  }

  /** Every one of {@code filters} matches. @throws IllegalArgumentException if none is given */
  public static ContentFilter and(ContentFilter... filters) {
    return group(Op.AND, filters);
  }

  /** At least one of {@code filters} matches. @throws IllegalArgumentException if none is given */
  public static ContentFilter or(ContentFilter... filters) {
    return group(Op.OR, filters);
  }

  /** {@code filter} does not match. */
  public static ContentFilter not(ContentFilter filter) {
    return group(Op.NOT, filter);
  }

  /**
   * Reads a filter from its JSON form (see {@link ContentFilter}).
   *
   * @throws IllegalArgumentException naming the problem: text that is not JSON, an unknown
   *     {@code op}, a missing or malformed {@code path}, {@code value}, {@code values},
   *     {@code filters} or {@code filter}
   */
  public static ContentFilter parse(String json) {
    if (json == null) {
      throw new IllegalArgumentException("filter JSON is required, e.g. {\"op\":\"eq\",\"path\":\"/data/country\",\"value\":\"DE\"}");
    }
    JsonNode tree;
    try {
      tree = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("filter is not valid JSON: " + e.getOriginalMessage(), e);
    }
    return fromJson(tree);
  }

  private static ContentFilter fromJson(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("filter " + n + " must be a JSON object with an \"op\"");
    }
    String name = n.path("op").asText("");
    Op op;
    try {
      op = Op.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("filter " + n + " has unknown op '" + name + "'; use one of "
          + Arrays.toString(Op.values()).toLowerCase(Locale.ROOT));
    }
    java.util.Set<String> known = switch (op) {
      case EQ, GT, GTE, LT, LTE, PREFIX -> java.util.Set.of("op", "path", "value");
      case IN -> java.util.Set.of("op", "path", "values");
      case EXISTS -> java.util.Set.of("op", "path");
      case AND, OR -> java.util.Set.of("op", "filters");
      case NOT -> java.util.Set.of("op", "filter");
    };
    n.fieldNames().forEachRemaining(key -> {
      if (!known.contains(key)) {
        throw new IllegalArgumentException("filter " + n + " has an unknown key \"" + key + "\"; op " + name
            + " takes " + known);
      }
    });
    String path = n.hasNonNull("path") ? n.get("path").asText() : null;
    return switch (op) {
      case EQ, GT, GTE, LT, LTE, PREFIX -> {
        if (!n.has("value")) {
          throw new IllegalArgumentException("filter " + n + " needs a \"value\"");
        }
        JsonNode v = n.get("value");
        yield op == Op.EQ ? new ContentFilter(op, path, List.of(scalar("eq", v)), List.of())
            : op == Op.PREFIX ? prefix(path, textPrefix(n, v)) : compare(op, path, v);
      }
      case IN -> {
        if (!n.path("values").isArray()) {
          throw new IllegalArgumentException("filter " + n + " needs \"values\": [...]");
        }
        List<Object> vs = new ArrayList<>();
        n.get("values").forEach(vs::add);
        yield in(path, vs.toArray());
      }
      case EXISTS -> exists(path);
      case AND, OR -> {
        if (!n.path("filters").isArray()) {
          throw new IllegalArgumentException("filter " + n + " needs \"filters\": [...]");
        }
        List<ContentFilter> fs = new ArrayList<>();
        n.get("filters").forEach(f -> fs.add(fromJson(f)));
        yield group(op, fs.toArray(new ContentFilter[0]));
      }
      case NOT -> {
        if (!n.path("filter").isObject()) {
          throw new IllegalArgumentException("filter " + n + " needs \"filter\": {...}, the filter it negates");
        }
        yield not(fromJson(n.get("filter")));
      }
    };
  }

  private static String textPrefix(JsonNode filter, JsonNode value) {
    if (!value.isTextual()) {
      throw new IllegalArgumentException("filter " + filter + " needs a string \"value\" to compare prefixes with,"
          + " not " + value);
    }
    return value.asText();
  }

  /** This filter's JSON form, which {@link #parse} reads back. */
  public String toJson() {
    return tree().toString();
  }

  private ObjectNode tree() {
    ObjectNode n = NODES.objectNode().put("op", op.name().toLowerCase(Locale.ROOT));
    if (path != null) {
      n.put("path", path);
    }
    switch (op) {
      case IN -> n.set("values", NODES.arrayNode().addAll(values));
      case AND, OR -> {
        ArrayNode fs = n.putArray("filters");
        operands.forEach(f -> fs.add(f.tree()));
      }
      case NOT -> n.set("filter", operands.get(0).tree());
      case EXISTS -> { }
      default -> n.set("value", values.get(0));
    }
    return n;
  }

  /**
   * Whether the serialized envelope {@code envelope} matches. Parses it; the publisher instead
   * parses each event once and calls {@link #matches(JsonNode)}.
   *
   * @throws IllegalArgumentException if {@code envelope} is not JSON
   */
  public boolean matches(byte[] envelope) {
    try {
      return matches(JSON.readTree(envelope));
    } catch (IOException e) {
      throw new IllegalArgumentException("the envelope is not JSON: " + e.getMessage(), e);
    }
  }

  /** Whether the envelope, parsed into a Jackson tree, matches. Reads the tree only. */
  public boolean matches(JsonNode envelope) {
    switch (op) {
      case AND -> {
        for (ContentFilter f : operands) {
          if (!f.matches(envelope)) {
            return false;
          }
        }
        return true;
      }
      case OR -> {
        for (ContentFilter f : operands) {
          if (f.matches(envelope)) {
            return true;
          }
        }
        return false;
      }
      case NOT -> {
        return !operands.get(0).matches(envelope);
      }
      default -> {
        return test(envelope.at(pointer));
      }
    }
  }

  private boolean test(JsonNode actual) {
    if (actual.isMissingNode()) {
      return false;
    }
    switch (op) {
      case EXISTS:
        return true;
      case EQ:
      case IN:
        for (JsonNode v : values) {
          if (equal(actual, v)) {
            return true;
          }
        }
        return false;
      case PREFIX:
        return actual.isTextual() && actual.textValue().startsWith(values.get(0).textValue());
      default:
        Integer c = compare(actual, values.get(0));
        return c != null && switch (op) {
          case GT -> c > 0;
          case GTE -> c >= 0;
          case LT -> c < 0;
          default -> c <= 0;
        };
    }
  }

  private static boolean equal(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return compare(a, b) == 0;
    }
    return a.equals(b);
  }

  /** Numbers by value, strings lexicographically; null when the two cannot be compared. */
  private static Integer compare(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      if (a.isIntegralNumber() && b.isIntegralNumber() && a.canConvertToLong() && b.canConvertToLong()) {
        return Long.compare(a.longValue(), b.longValue());
      }
      if (a.isBigDecimal() || b.isBigDecimal() || a.isBigInteger() || b.isBigInteger()) {
        return a.decimalValue().compareTo(b.decimalValue());
      }
      return Double.compare(a.doubleValue(), b.doubleValue());
    }
    if (a.isTextual() && b.isTextual()) {
      return Integer.signum(a.textValue().compareTo(b.textValue()));
    }
    return null;
  }

  private static ContentFilter compare(Op op, String path, Object value) {
    JsonNode v = scalar(op.name().toLowerCase(Locale.ROOT), value);
    if (!v.isNumber() && !v.isTextual()) {
      throw new IllegalArgumentException("filter " + op.name().toLowerCase(Locale.ROOT) + "(" + path
          + ") compares with a number or a string, not " + v);
    }
    return new ContentFilter(op, path, List.of(v), List.of());
  }

  private static ContentFilter group(Op op, ContentFilter... filters) {
    String name = op.name().toLowerCase(Locale.ROOT);
    if (filters == null || filters.length == 0) {
      throw new IllegalArgumentException("filter " + name + "() needs at least one filter");
    }
    for (ContentFilter f : filters) {
      if (f == null) {
        throw new IllegalArgumentException("filter " + name + "(...) got a null filter");
      }
    }
    return new ContentFilter(op, null, List.of(), List.of(filters));
  }

  /** A string, number, boolean or null as a JSON node. */
  private static JsonNode scalar(String op, Object value) {
    JsonNode n = value instanceof JsonNode j ? j : JSON.valueToTree(value);
    if (n == null) {
      return NODES.nullNode();
    }
    if (!n.isValueNode()) {
      throw new IllegalArgumentException("filter " + op + " takes a string, number, boolean or null, not " + n);
    }
    return n;
  }

  private static JsonPointer pointer(String path) {
    if (!path.isEmpty() && path.charAt(0) != '/') {
      throw new IllegalArgumentException("filter path '" + Names.printable(path) + "' is not a JSON pointer; start"
          + " it with '/', e.g. '/data/country' for the payload's country");
    }
    for (int i = path.indexOf('~'); i >= 0; i = path.indexOf('~', i + 1)) {
      if (i + 1 >= path.length() || (path.charAt(i + 1) != '0' && path.charAt(i + 1) != '1')) {
        throw new IllegalArgumentException("filter path '" + Names.printable(path) + "' has a '~' not followed by"
            + " 0 or 1; write '~0' for '~' and '~1' for '/'");
      }
    }
    return JsonPointer.compile(path);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ContentFilter f && tree().equals(f.tree());
  }

  @Override
  public int hashCode() {
    return tree().hashCode();
  }

  @Override
  public String toString() {
    return "ContentFilter" + toJson();
  }
}
