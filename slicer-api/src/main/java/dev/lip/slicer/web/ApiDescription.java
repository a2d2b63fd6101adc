package dev.lip.slicer.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The REST API's OpenAPI 3 description (springdoc, served at {@code /v3/api-docs}; the interactive page is
 * {@code /ui/api.html}): what the document says besides the operations' own annotations ({@link JobsApi} and the
 * controllers). Every error is {@code application/problem+json} with a sentence in {@code detail}, so every 4xx and
 * 5xx response is given the Problem schema here, once; every operation may answer 401 when the service has a token.
 */
@Configuration
public class ApiDescription {
    static final String PROBLEM = "Problem";
    private static final String TOKEN = "token";

    private static Schema<?> problemSchema() {
        return new ObjectSchema().description("RFC 9457 problem details: what went wrong, in a sentence")
                .addProperty("type", new StringSchema().example("about:blank"))
                .addProperty("title", new StringSchema().example("Bad Request"))
                .addProperty("status", new IntegerSchema().example(400))
                .addProperty("detail", new StringSchema().example("Unknown algorithm 'otsuu'. Valid algorithms: threshold, otsu, adaptive, morphology, onnx."))
                .addProperty("instance", new StringSchema().example("/api/v1/jobs"));
    }

    @Bean
    public OpenAPI lipOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Large Image Processor: slicer-api").version("v1")
                        .description("Upload a very large image, have a per-patch algorithm run over it by the "
                                + "patch-processors, follow the job and download one seamless result (a Cloud Optimized "
                                + "GeoTIFF or OME-TIFF pyramid). See docs/api.md for the whole story."))
                .components(new Components()
                        .addSecuritySchemes(TOKEN, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .description("lip.api-token, when the service is started with one; without it the "
                                        + "API is open (as on a developer's machine)")))
                // the token when the service has one, nothing when it has not
                .addSecurityItem(new SecurityRequirement().addList(TOKEN))
                .addSecurityItem(new SecurityRequirement());
    }

    /**
     * The job's settings, which the controller reads from the query string itself (so that a body sent as a form is
     * never parsed): described once, for the operations that take them.
     */
    @Bean
    public org.springdoc.core.customizers.OperationCustomizer jobQuery() {
        return (operation, handler) -> {
            if (!JobsApi.TAKE_JOB_QUERY.contains(handler.getMethod().getName())) {
                return operation;
            }
            query(operation, "algorithm", "The algorithm (GET /api/v1/algorithms lists them with their parameters).",
                    new StringSchema()._default("threshold"));
            query(operation, "tileSize", "The core tile size in pixels, a multiple of 16 from 16 to 8192.",
                    new IntegerSchema()._default(512));
            query(operation, "overlap", "The halo around each tile in pixels, less than the tile size (an algorithm "
                    + "that needs more raises it and says so in the job's notes).", new IntegerSchema()._default(0));
            StringSchema formats = new StringSchema();
            formats.setEnum(java.util.List.of("cog", "ome-tiff", "tiff"));
            query(operation, "resultFormat", "The result's layout: cog (a Cloud Optimized GeoTIFF pyramid), ome-tiff "
                    + "(an OME-TIFF pyramid) or tiff (one level).", formats._default("cog"));
            query(operation, "preview", "Whether the slicer keeps a JPEG preview of the input for viewers (the "
                    + "input_files Deep Zoom layer).", new io.swagger.v3.oas.models.media.BooleanSchema()._default(false));
            query(operation, "destination", "An object, s3://bucket/key, the finished result is also uploaded to.",
                    new StringSchema());
            query(operation, "name", "What lists and pages call the job (the image's file name; a path is cut to its "
                    + "last part), at most 200 characters.", new StringSchema());
            io.swagger.v3.oas.models.parameters.Parameter params = new io.swagger.v3.oas.models.parameters.Parameter()
                    .in("query").name("parameters").description("The algorithm's own parameters, each a query "
                            + "parameter of its own (threshold=100&invert=true).")
                    .schema(new ObjectSchema().additionalProperties(new StringSchema()))
                    .style(io.swagger.v3.oas.models.parameters.Parameter.StyleEnum.FORM).explode(true);
            operation.addParametersItem(params);
            return operation;
        };
    }

    private static void query(io.swagger.v3.oas.models.Operation operation, String name, String description, Schema<?> schema) {
        operation.addParametersItem(new io.swagger.v3.oas.models.parameters.Parameter().in("query").name(name)
                .description(description).schema(schema));
    }

    /**
     * Problem responses everywhere they are due (the schema on every error, and 401 on every operation), and the
     * image as a raw body beside the multipart form, which springdoc merges into one operation and one body type.
     */
    @Bean
    public OpenApiCustomizer problemResponses() {
        return api -> {
            var create = api.getPaths().get("/api/v1/jobs");
            if (create != null && create.getPost() != null && create.getPost().getRequestBody() != null) {
                create.getPost().getRequestBody().getContent().addMediaType("application/octet-stream",
                        new MediaType().schema(new StringSchema().format("binary")));
            }
            // here rather than in the OpenAPI bean: springdoc makes the components' schemas anew from the models
            api.getComponents().addSchemas(PROBLEM, problemSchema());
            problems(api);
        };
    }

    private static void problems(OpenAPI api) {
        api.getPaths().values().forEach(path -> path.readOperations().forEach(op -> {
            op.getResponses().computeIfAbsent("401", code -> new ApiResponse().description(
                    "The service has an API token (lip.api-token) and the request did not carry it, or carried "
                            + "another, as an Authorization: Bearer header."));
            op.getResponses().forEach((code, response) -> {
                if (code.startsWith("4") || code.startsWith("5")) {
                    response.setContent(new Content().addMediaType("application/problem+json",
                            new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
                }
            });
        }));
    }
}
