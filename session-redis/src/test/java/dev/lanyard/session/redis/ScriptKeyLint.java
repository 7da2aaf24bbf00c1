package dev.lanyard.session.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a Lua script touches only keys passed in {@code KEYS}: the key arguments of every
 * {@code redis.call} and {@code redis.pcall} must be {@code KEYS[n]} (with {@code n} within the
 * declared {@code KEYS}) or a local bound once to one, and nothing else. The one exception is
 * {@code userVersionKey(..)} in a script marked {@code SINGLE-SERVER}, which the store never runs
 * on Cluster. A command the table below does not know is a violation, so a new command is looked
 * at before it is trusted.
 */
final class ScriptKeyLint {

    /** Commands whose first argument is their only key. */
    private static final Set<String> FIRST_KEY = Set.of(
            "GET", "SET", "INCR", "PEXPIRE", "PTTL", "HGET", "HSET", "HMGET", "HDEL", "HEXISTS", "HGETALL", "HSTRLEN",
            "ZADD", "ZREM", "ZSCORE", "ZRANGE", "ZCARD");
    /** Commands all of whose arguments are keys. */
    private static final Set<String> ALL_KEYS = Set.of("DEL", "EXISTS", "UNLINK");

    private static final Pattern CALL = Pattern.compile("redis\\.p?call\\s*\\(");
    private static final Pattern KEYS_REF = Pattern.compile("KEYS\\[(\\d+)\\]");
    private static final Pattern LOCAL_FROM_KEYS =
            Pattern.compile("local\\s+(\\w+)\\s*=\\s*KEYS\\[(\\d+)\\]\\s*$", Pattern.MULTILINE);

    private ScriptKeyLint() {}

    /**
     * @param lua the script, includes expanded, without the schema prelude
     * @param declaredKeys how many KEYS the header declares
     * @param singleServer whether the header marks it SINGLE-SERVER
     * @return one line per violation; empty when the script is clean
     */
    static List<String> violations(String lua, int declaredKeys, boolean singleServer) {
        String code = stripComments(lua);
        List<String> found = new ArrayList<>();
        Map<String, Integer> keyLocals = new java.util.HashMap<>();
        Matcher local = LOCAL_FROM_KEYS.matcher(code);
        while (local.find()) {
            keyLocals.put(local.group(1), Integer.parseInt(local.group(2)));
        }
        for (String name : keyLocals.keySet()) {
            Matcher reassigned = Pattern.compile("(?<!local\\s)(?<![\\w.])" + name + "\\s*=[^=]")
                    .matcher(code);
            if (reassigned.find()) {
                found.add("local " + name + " is bound to a key and assigned again");
            }
        }
        Matcher ref = KEYS_REF.matcher(code);
        while (ref.find()) {
            int n = Integer.parseInt(ref.group(1));
            if (n < 1 || n > declaredKeys) {
                found.add("KEYS[" + n + "] is not declared (the header names " + declaredKeys + ")");
            }
        }
        if (!singleServer && code.contains("userVersionKey(")) {
            found.add("userVersionKey(..) names a key outside KEYS; only SINGLE-SERVER scripts may");
        }
        Matcher call = CALL.matcher(code);
        while (call.find()) {
            List<String> args = arguments(code, call.end());
            if (args.isEmpty() || !args.get(0).matches("'[A-Za-z]+'")) {
                found.add("a call whose command is not a literal: " + args);
                continue;
            }
            String command = args.get(0).substring(1, args.get(0).length() - 1).toUpperCase();
            List<String> keys;
            if (FIRST_KEY.contains(command)) {
                keys = args.size() > 1 ? args.subList(1, 2) : List.of();
            } else if (ALL_KEYS.contains(command)) {
                keys = args.subList(1, args.size());
            } else {
                found.add("unknown command " + command + ": tell the lint where its keys are");
                continue;
            }
            for (String key : keys) {
                boolean fromKeys = key.matches("KEYS\\[\\d+\\]") || keyLocals.containsKey(key);
                boolean derived = singleServer && key.startsWith("userVersionKey(");
                if (!fromKeys && !derived) {
                    found.add(command + " touches a key not passed in KEYS: " + key);
                }
            }
        }
        return found;
    }

    /** The top-level, comma-separated arguments of a call whose '(' ends just before {@code at}. */
    private static List<String> arguments(String code, int at) {
        List<String> args = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        char quote = 0;
        for (int i = at; i < code.length(); i++) {
            char c = code.charAt(i);
            if (quote != 0) {
                current.append(c);
                if (c == '\\') {
                    current.append(code.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (c == '\'' || c == '"') {
                quote = c;
                current.append(c);
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
                current.append(c);
            } else if ((c == ')' || c == ']' || c == '}') && depth > 0) {
                depth--;
                current.append(c);
            } else if (c == ')') {
                break;
            } else if (c == ',' && depth == 0) {
                args.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        if (!current.toString().isBlank()) {
            args.add(current.toString().trim());
        }
        return args;
    }

    private static String stripComments(String lua) {
        StringBuilder out = new StringBuilder();
        for (String line : lua.split("\n", -1)) {
            int comment = line.indexOf("--");
            out.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        return out.toString();
    }
}
