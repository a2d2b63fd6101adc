package dev.lip.cli;

import picocli.CommandLine.Option;

/** Options every command shares. */
final class ApiOptions {
    @Option(names = "--api", paramLabel = "URL", defaultValue = "${env:LIP_API:-http://localhost:8080}",
            description = "slicer-api base URL (default: $LIP_API or ${DEFAULT-VALUE}).")
    String api;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars.")
    boolean quiet;

    ApiClient client() {
        return new ApiClient(api);
    }
}
