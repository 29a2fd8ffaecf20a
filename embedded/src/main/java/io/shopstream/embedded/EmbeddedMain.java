package io.shopstream.embedded;

import io.shopstream.common.config.CommandLine;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code bin/shopstream-embedded}: reads the options, starts the {@link EmbeddedSuite}, shows its
 * live view until {@code --duration} has passed or Ctrl-C, then stops it in order.
 */
public final class EmbeddedMain {

    private EmbeddedMain() {}

    /**
     * Ctrl-C (SIGINT) and SIGTERM end the run in order: this JVM's shutdown hooks would run
     * concurrently with our stopping (Kafka's test kit, for one, deletes the broker's folder from
     * a hook while the broker still runs). A second signal exits at once.
     */
    @SuppressWarnings("restriction")
    private static void onStopSignal(EmbeddedSuite suite) {
        AtomicBoolean signalled = new AtomicBoolean();
        SignalHandler handler = signal -> {
            if (signalled.compareAndSet(false, true)) {
                System.out.println();
                System.out.println("Stopping (" + signal.getName() + ") ... press Ctrl-C again to exit at once.");
                suite.requestStop();
            } else {
                Runtime.getRuntime().halt(130);
            }
        };
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal.handle(new Signal(name), handler);
            } catch (IllegalArgumentException e) {
                // signal not available on this platform: the JVM default applies
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", EmbeddedSuite.LOG_CONFIG);
        }
        if (CommandLine.wantsHelp(args)) {
            System.out.println(EmbeddedOptions.usage());
            return;
        }
        CommandLine.exitOnError("shopstream-embedded", () -> run(EmbeddedOptions.parse(args)));
    }

    private static void run(EmbeddedOptions options) throws Exception {
        EmbeddedSuite suite = EmbeddedSuite.start(options, System.out);
        onStopSignal(suite);
        try {
            suite.awaitEnd();
        } finally {
            suite.close();
        }
        System.exit(0); // some Kafka and Flink threads are not daemons
    }
}
