package dev.berth.api.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** Where an engine listens: {@code unix:///path/to/docker.sock} or {@code tcp://host:port}. */
public record DockerHost(String scheme, Path socket, String host, int port) {

    public static DockerHost unix(Path socket) {
        return new DockerHost("unix", socket, null, 0);
    }

    public static DockerHost parse(String value) {
        if (value.startsWith("unix://")) {
            return unix(Path.of(value.substring("unix://".length())));
        }
        if (value.startsWith("tcp://")) {
            String rest = value.substring("tcp://".length());
            int colon = rest.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("tcp engine address needs a port: " + value);
            }
            return new DockerHost("tcp", null, rest.substring(0, colon), Integer.parseInt(rest.substring(colon + 1)));
        }
        throw new IllegalArgumentException("unsupported engine address (unix:// or tcp://): " + value);
    }

    public SocketChannel connect() throws IOException {
        if (scheme.equals("unix")) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                ch.close();
                throw new IOException("cannot connect to the engine at " + this + ": " + e.getMessage(), e);
            }
            return ch;
        }
        return SocketChannel.open(new InetSocketAddress(host, port));
    }

    @Override
    public String toString() {
        return scheme.equals("unix") ? "unix://" + socket : "tcp://" + host + ":" + port;
    }
}
