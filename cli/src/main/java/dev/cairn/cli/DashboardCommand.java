package dev.cairn.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.cairn.api.Cairn;
import dev.cairn.api.CairnException;
import dev.cairn.api.ErrorCode;
import dev.cairn.dashboard.Dashboard;
import dev.cairn.dashboard.DashboardOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code cairn dashboard}: serves the read-only web dashboard until the process is stopped (Ctrl-C or a TERM signal:
 * a shutdown hook closes the server, then the engine).
 */
@Command(name = "dashboard", description = "Serve a read-only web dashboard of runs, step DAGs, artifacts and lineage (Ctrl-C stops it).")
final class DashboardCommand implements Callable<Integer> {
    @Mixin(name = "home")
    HomeOption home;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", defaultValue = "8265", description = "TCP port (default ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = "--open", description = "Open the dashboard in a browser (xdg-open, open) where one exists")
    boolean open;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "Address to listen on (default 127.0.0.1). Any other address shows your runs and artifacts to whoever reaches it.")
    String bind;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (port < 0 || port > 65535) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "--port must be between 0 and 65535, not " + port);
        }
        String address = bind == null ? DashboardOptions.LOOPBACK : bind;
        if (bind != null && !isLoopback(bind)) {
            err.println("warning: the dashboard listens on " + bind + ", not only on this machine: anyone who can reach it can read every run and"
                    + " artifact (it has no login). Use the default (127.0.0.1) and an SSH tunnel unless the network is trusted.");
        }
        Cairn cairn = home.open();
        Dashboard dashboard;
        try {
            dashboard = Dashboard.start(cairn.client(), DashboardOptions.defaults().withPort(port).withBindAddress(address));
        } catch (RuntimeException e) {
            cairn.close();
            throw e;
        }
        Thread hook = new Thread(() -> {
            dashboard.close();
            cairn.close();
            err.println("Cairn dashboard stopped.");
            err.flush();
        }, "cairn-dashboard-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("Cairn dashboard: " + dashboard.uri() + "  (Ctrl-C to stop)");
        out.flush();
        if (open) {
            Optional<String> opener = VisualizeCommand.opener();
            if (opener.isEmpty()) {
                err.println("No browser opener found (looked for xdg-open and open on PATH): open " + dashboard.uri() + " yourself");
            } else {
                try {
                    Process process = new ProcessBuilder(opener.get(), dashboard.uri().toString()).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    process.getOutputStream().close();
                } catch (IOException e) {
                    err.println("Could not run " + opener.get() + " (" + e.getMessage() + "): open " + dashboard.uri() + " yourself");
                }
            }
        }
        err.flush();
        dashboard.awaitClosed();
        return 0;
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (IOException e) {
            throw new CairnException(ErrorCode.INVALID_ARGUMENT, "--bind '" + address + "' is not an address this machine can resolve: give an IP address");
        }
    }
}
