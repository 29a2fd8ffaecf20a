package io.shopstream.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.TextElement;

/**
 * The suite's one command-line mechanism. Every program (the jobs, the generator, the embedded
 * run, the benchmarks, the cluster CLI) declares its settings as Flink {@link ConfigOption}s with
 * kebab-case keys and reads its arguments here: {@code --key value}, {@code --key=value} or
 * {@code -Dkey=value}, values in Flink's syntax (a duration is {@code 500 ms}, {@code 30 s}, {@code
 * 2 min}; a bare number is milliseconds), {@code --help} everywhere, and one error style: a {@link
 * ConfigException} naming the key, with a suggestion for a misspelt one, printed once by {@link
 * #exitOnError} without a stack trace.
 */
public final class CommandLine {

    private CommandLine() {}

    /** One {@code key = value} of the command line; {@code dashD} when it was given as {@code -Dkey=value}. */
    public record Argument(String key, String value, boolean dashD) {}

    /** Options read from a command line: their values, where each came from, and any positional words. */
    public record Parsed(Configuration config, Map<String, String> sources, List<String> positional) {

        public <T> T get(ConfigOption<T> option) {
            return config.get(option);
        }

        /** Whether the command line set {@code option} (rather than its default applying). */
        public boolean isSet(ConfigOption<?> option) {
            return sources.containsKey(option.key());
        }

        /** The values of the keys under an open prefix ({@link #parse(Collection, Collection, String...)}), keyed without it. */
        public Map<String, String> under(String prefix) {
            Map<String, String> out = new LinkedHashMap<>();
            sources.keySet().stream().filter(k -> k.startsWith(prefix))
                    .forEach(k -> out.put(k.substring(prefix.length()), config.toMap().get(k)));
            return out;
        }
    }

    /** A program's {@code main}, which may fail with a {@link ConfigException}. */
    @FunctionalInterface
    public interface Main {
        void run() throws Exception;
    }

    /** Whether the arguments ask for the usage text ({@code --help} or {@code -h}). */
    public static boolean wantsHelp(String... args) {
        for (String arg : args) {
            if (arg.equals("--help") || arg.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Splits arguments into keys and values: {@code --key value}, {@code --key=value}, {@code
     * -Dkey=value} and {@code -D key=value}. A word that is none of these is positional (null
     * key); {@link #parse} refuses it, {@link #parseCommand} keeps it.
     */
    public static List<Argument> split(String... args) {
        List<Argument> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("-D")) {
                String kv = arg.length() == 2 ? next(args, ++i, arg) : arg.substring(2);
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new ConfigException("Expected -Dkey=value but got '" + arg + "'");
                }
                out.add(new Argument(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim(), true));
            } else if (arg.startsWith("--") && arg.length() > 2) {
                String kv = arg.substring(2);
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    out.add(new Argument(kv.substring(0, eq), kv.substring(eq + 1), false));
                } else {
                    out.add(new Argument(kv, next(args, ++i, arg), false));
                }
            } else {
                out.add(new Argument(null, arg, false));
            }
        }
        return out;
    }

    /** Reads {@code args} as values of {@code options}; any other key or a positional word fails. */
    public static Parsed parse(Collection<? extends ConfigOption<?>> options, String... args) {
        return parse(options, List.of(), args);
    }

    /**
     * As {@link #parse(Collection, String...)}, also taking any key under one of {@code openPrefixes}
     * as given (keys that are not options, such as {@code kafka.properties.<client key>}, which
     * their owner checks); read them with {@link Parsed#under}.
     */
    public static Parsed parse(Collection<? extends ConfigOption<?>> options, Collection<String> openPrefixes,
            String... args) {
        Parsed parsed = read(options, openPrefixes, args);
        if (!parsed.positional().isEmpty()) {
            throw new ConfigException("Unexpected argument '" + parsed.positional().get(0)
                    + "': options are given as --key value (see --help)");
        }
        return parsed;
    }

    /** As {@link #parse}, keeping words that are not options (a sub-command, a job name) in order. */
    public static Parsed parseCommand(Collection<? extends ConfigOption<?>> options, String... args) {
        return read(options, List.of(), args);
    }

    private static Parsed read(Collection<? extends ConfigOption<?>> options, Collection<String> openPrefixes,
            String... args) {
        Map<String, ConfigOption<?>> byKey = new LinkedHashMap<>();
        options.forEach(o -> byKey.put(o.key(), o));
        Configuration config = new Configuration();
        Map<String, String> sources = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (Argument arg : split(args)) {
            if (arg.key() == null) {
                positional.add(arg.value());
                continue;
            }
            ConfigOption<?> option = byKey.get(arg.key());
            if (option == null && openPrefixes.stream().anyMatch(arg.key()::startsWith)) {
                config.setString(arg.key(), arg.value());
            } else if (option == null) {
                throw unknownKey(arg.key(), byKey.keySet(), "");
            } else {
                set(config, option, arg.value());
            }
            sources.put(arg.key(), arg.dashD() ? "-D" : "argument");
        }
        return new Parsed(config, sources, List.copyOf(positional));
    }

    /**
     * Sets {@code option} to {@code value} in {@code config}, checking that the value parses as the
     * option's type (Flink's syntax) and that a string is not blank. Ranges (a positive duration, a
     * fraction) are the program's to check.
     */
    public static void set(Configuration config, ConfigOption<?> option, String value) {
        Configuration probe = new Configuration();
        probe.setString(option.key(), value);
        Object parsed;
        try {
            parsed = probe.get(option);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("Invalid value '" + value + "' for '" + option.key() + "' (default "
                    + format(option.defaultValue()) + "): " + rootMessage(e));
        }
        if (parsed instanceof String s && s.isBlank()) {
            throw new ConfigException("Option '" + option.key() + "' must not be empty");
        }
        config.setString(option.key(), value);
    }

    /** The error for a key no option has: the closest known key as a suggestion, or the known keys. */
    public static ConfigException unknownKey(String key, Collection<String> known, String hint) {
        String best = closest(key, known);
        String message = best != null
                ? "Unknown option '" + key + "': did you mean '" + best + "'?"
                : "Unknown option '" + key + "'. Known options: " + String.join(", ", known) + ".";
        return new ConfigException(message + (hint.isEmpty() ? "" : " " + hint) + " (see --help)");
    }

    /** The candidate nearest to {@code key} when it is near enough to be a typo, else null. */
    public static String closest(String key, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 5) ? best : null;
    }

    /**
     * Runs a program's {@code main}: a {@link ConfigException} is printed once, as {@code
     * <program>: <message>}, and the process exits with status 2, without a stack trace.
     */
    public static void exitOnError(String program, Main main) throws Exception {
        try {
            main.run();
        } catch (ConfigException e) {
            System.err.println(program + ": " + e.getMessage());
            System.exit(2);
        }
    }

    /** The usage text of a program: one line per option with its default and description. */
    public static String usage(String synopsis, Collection<? extends ConfigOption<?>> options) {
        StringBuilder sb = new StringBuilder("Usage: ").append(synopsis).append("\n\nOptions:\n");
        for (ConfigOption<?> option : options) {
            sb.append(String.format("  --%-32s default %s%n      %s%n", option.key(), format(option.defaultValue()),
                    describe(option)));
        }
        return sb.toString();
    }

    /** The plain text of an option's description (the suite's descriptions are plain text). */
    public static String describe(ConfigOption<?> option) {
        StringBuilder text = new StringBuilder();
        for (var block : option.description().getBlocks()) {
            if (block instanceof TextElement t) {
                text.append(t.getFormat());
            }
        }
        return text.toString();
    }

    /** A value as the usage and the printed configuration show it; durations in their largest whole unit. */
    public static String format(Object value) {
        if (value == null) {
            return "(none)";
        }
        if (value instanceof Duration d) {
            long ms = d.toMillis();
            if (ms % 60_000 == 0 && ms > 0) {
                return (ms / 60_000) + " min";
            }
            if (ms % 1000 == 0) {
                return (ms / 1000) + " s";
            }
            return ms + " ms";
        }
        return String.valueOf(value);
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** Levenshtein distance, for "did you mean". */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }

    private static String next(String[] args, int i, String after) {
        if (i >= args.length) {
            throw new ConfigException("Missing value after '" + after + "'");
        }
        return args[i];
    }
}
