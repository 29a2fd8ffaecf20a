package io.shopstream.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The broker and client sides of the SASL_SSL listener: a certificate for 127.0.0.1 and a password. */
record SecuredListener(Path keystore, Path truststore, String storePassword, String password) {

    static SecuredListener create() {
        try {
            Path dir = Files.createTempDirectory("shopstream-tls");
            String storePassword = UUID.randomUUID().toString();
            Path keystore = dir.resolve("broker.p12");
            Path certificate = dir.resolve("broker.pem");
            Path truststore = dir.resolve("truststore.p12");
            keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                    "-keystore", keystore.toString(), "-storepass", storePassword, "-keypass", storePassword);
            keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass",
                    storePassword, "-file", certificate.toString());
            keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(), "-storetype",
                    "PKCS12", "-keystore", truststore.toString(), "-storepass", storePassword);
            // deleteOnExit removes in reverse order of registration: the files, then the folder.
            dir.toFile().deleteOnExit();
            for (Path p : List.of(keystore, certificate, truststore)) {
                p.toFile().deleteOnExit();
            }
            return new SecuredListener(keystore, truststore, storePassword, UUID.randomUUID().toString());
        } catch (IOException e) {
            throw new IllegalStateException("Cannot create the test certificate", e);
        }
    }

    Map<String, String> brokerConfig() {
        String prefix = "listener.name." + EmbeddedKafka.SECURED_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
        Map<String, String> config = new LinkedHashMap<>();
        config.put("listeners", "EXTERNAL://localhost:0,CONTROLLER://localhost:0," + EmbeddedKafka.SECURED_LISTENER + "://127.0.0.1:0");
        config.put("listener.security.protocol.map",
                "EXTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT," + EmbeddedKafka.SECURED_LISTENER + ":SASL_SSL");
        config.put(prefix + "sasl.enabled.mechanisms", "SCRAM-SHA-512");
        config.put(prefix + "scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        config.put(prefix + "ssl.keystore.type", "PKCS12");
        config.put(prefix + "ssl.keystore.location", keystore.toString());
        config.put(prefix + "ssl.keystore.password", storePassword);
        config.put(prefix + "ssl.key.password", storePassword);
        return config;
    }

    Map<String, String> clientProperties(String loginPassword) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", "SASL_SSL");
        props.put("sasl.mechanism", "SCRAM-SHA-512");
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + EmbeddedKafka.SECURED_USER + "\" password=\"" + loginPassword + "\";");
        props.put("ssl.truststore.type", "PKCS12");
        props.put("ssl.truststore.location", truststore.toString());
        props.put("ssl.truststore.password", storePassword);
        return props;
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed: " + output);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
