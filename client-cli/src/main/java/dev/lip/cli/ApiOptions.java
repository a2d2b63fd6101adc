package dev.lip.cli;

import picocli.CommandLine.Option;

/** Options every command shares. */
final class ApiOptions {
    @Option(names = "--api", paramLabel = "URL", defaultValue = "${env:LIP_API:-http://localhost:8080}",
            description = "slicer-api's URL; default: $LIP_API or%n${DEFAULT-VALUE}")
    String api;

    @Option(names = {"-q", "--quiet"}, description = "No progress bars.")
    boolean quiet;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:LIP_TOKEN}",
            description = "API token, when slicer-api requires one (default: $LIP_TOKEN).")
    String token;

    ApiClient client() {
        return new ApiClient(api, token);
    }
}
