package io.shopstream.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free ports on 127.0.0.1, for a cluster that must not collide with another one on this machine. */
public final class LoopbackPorts {

    private LoopbackPorts() {}

    public static int free() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A port p such that p and p + 1 are free (the broker's and the controller's listeners). */
    public static int freePair() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = free();
            if (isFree(p + 1)) {
                return p;
            }
        }
        throw new IOException("No free port pair on 127.0.0.1");
    }

    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
