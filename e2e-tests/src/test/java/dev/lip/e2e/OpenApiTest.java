package dev.lip.e2e;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 26: slicer-api serves an OpenAPI 3 description of its REST API at {@code /v3/api-docs}. It is valid by a real
 * validator (swagger-parser's), it names every endpoint the service has with a summary, parameters and problem
 * responses described, and every operation, called as a client that gets it wrong or asks for what is not there
 * would, answers with a status the description lists (problem+json for errors).
 */
@ExtendWith(Trio.Started.class)
class OpenApiTest {
    private static final Set<String> ENDPOINTS = Set.of("/api/v1/jobs", "/api/v1/jobs/check", "/api/v1/jobs/{id}",
            "/api/v1/jobs/{id}/result", "/api/v1/jobs/{id}/dzi/{descriptor}", "/api/v1/jobs/{id}/dzi/{layer}/{level}/{tile}",
            "/api/v1/algorithms", "/api/v1/uploads", "/api/v1/uploads/{id}");
    /** What each path parameter is, for a request to an operation: a job and an upload that do not exist. */
    private static final Map<String, String> PATH_VALUES = Map.of("id", "0f0e0d0c-0000-4000-8000-000000000000",
            "descriptor", "result.dzi", "layer", "result_files", "level", "0", "tile", "0_0.png");
    private final HttpClient http = HttpClient.newHttpClient();

    private OpenAPI description(Trio trio) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(trio.api() + "/v3/api-docs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(r.body(), null, options);
        assertTrue(parsed.getMessages() == null || parsed.getMessages().isEmpty(), "the validator: "
                + (parsed.getMessages() == null ? "" : parsed.getMessages().subList(0, Math.min(5, parsed.getMessages().size()))));
        assertNotNull(parsed.getOpenAPI());
        return parsed.getOpenAPI();
    }

    @Test
    void theDescriptionIsValidAndDescribesEveryEndpoint(Trio trio) throws Exception {
        OpenAPI api = description(trio);
        assertTrue(api.getOpenapi().startsWith("3."), api.getOpenapi());
        assertEquals(ENDPOINTS, api.getPaths().keySet());
        api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            String where = method + " " + path;
            assertFalse(op.getSummary() == null || op.getSummary().isBlank(), where + " has a summary");
            for (Parameter p : op.getParameters() == null ? java.util.List.<Parameter>of() : op.getParameters()) {
                assertTrue("header".equals(p.getIn()) || p.getDescription() != null && !p.getDescription().isBlank(),
                        where + ": parameter " + p.getName() + " is described");
            }
            assertTrue(op.getResponses().keySet().stream().anyMatch(c -> c.startsWith("2")), where + " says what succeeds");
            op.getResponses().forEach((code, response) -> {
                assertFalse(response.getDescription() == null || response.getDescription().isBlank(), where + " " + code);
                if (code.startsWith("4") || code.startsWith("5")) {
                    assertNotNull(response.getContent() == null ? null : response.getContent().get("application/problem+json"),
                            where + " " + code + " is a problem+json");
                }
            });
        }));
        var create = api.getPaths().get("/api/v1/jobs").getPost();
        assertTrue(create.getParameters().stream().map(Parameter::getName).toList()
                .containsAll(java.util.List.of("algorithm", "tileSize", "overlap", "resultFormat", "upload", "source")));
        assertTrue(create.getRequestBody().getContent().keySet().containsAll(Set.of("application/octet-stream",
                "multipart/form-data")), create.getRequestBody().getContent().keySet().toString());
    }

    @Test
    void everyOperationAnswersAsDescribed(Trio trio) throws Exception {
        OpenAPI api = description(trio);
        int called = 0;
        for (Map.Entry<String, PathItem> e : api.getPaths().entrySet()) {
            for (Map.Entry<PathItem.HttpMethod, Operation> o : e.getValue().readOperationsMap().entrySet()) {
                String path = e.getKey();
                for (Map.Entry<String, String> v : PATH_VALUES.entrySet()) {
                    path = path.replace("{" + v.getKey() + "}", v.getValue());
                }
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(trio.api() + path))
                        .method(o.getKey().name(), HttpRequest.BodyPublishers.noBody());
                if (path.startsWith("/api/v1/uploads")) {
                    b.header("Tus-Resumable", "1.0.0");
                }
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                Map<String, ApiResponse> described = o.getValue().getResponses();
                String where = o.getKey() + " " + path;
                assertTrue(described.containsKey(Integer.toString(r.statusCode())),
                        where + " answered " + r.statusCode() + ", which its description does not list: " + described.keySet() + " " + r.body());
                if (r.statusCode() >= 400 && o.getKey() != PathItem.HttpMethod.HEAD) {
                    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                            where + ": " + r.headers().map());
                }
                called++;
            }
        }
        assertTrue(called >= 14, "operations called: " + called);
    }
}
