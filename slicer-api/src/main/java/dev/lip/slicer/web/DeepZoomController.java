package dev.lip.slicer.web;

import dev.lip.slicer.view.DeepZoom;
import dev.lip.slicer.view.InputPreview;
import dev.lip.slicer.view.ResultTiles;
import dev.lip.slicer.view.TilePng;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deep Zoom over HTTP for any viewer (OpenSeadragon, the page's, QuPath's extension, ...): a layer's descriptor
 * ({@code result.dzi}, {@code input.dzi}) and its tiles ({@code result_files/<level>/<column>_<row>.png}). Result
 * tiles are lossless PNG, their values the result's; input tiles are the slicer's JPEG preview. A tile outside the
 * geometry, or not there yet, is a 404. Finished tiles are cached by browsers; tiles of a running job are not.
 */
@RestController
@Tag(name = "viewer", description = "Deep Zoom tiles of a job's result and input, for any viewer")
public class DeepZoomController {
    private static final Pattern TILE = Pattern.compile("(\\d{1,6})_(\\d{1,6})\\.(png|jpg)");
    private static final Pattern TINT = Pattern.compile("[0-9a-fA-F]{6}");
    private final ResultTiles results;
    private final InputPreview previews;

    public DeepZoomController(ResultTiles results, InputPreview previews) {
        this.results = results;
        this.previews = previews;
    }

    @Operation(summary = "A Deep Zoom layer's descriptor", description = "result.dzi (PNG tiles of the result) or "
            + "input.dzi (JPEG tiles of the input's preview, for a job with preview=true).",
            responses = {
                    @ApiResponse(responseCode = "200", description = "The descriptor (Deep Zoom XML).",
                            content = @Content(mediaType = "application/xml")),
                    @ApiResponse(responseCode = "400", description = "Not a job id."),
                    @ApiResponse(responseCode = "404", description = "No such job or layer, the job has no image yet, or no preview.")})
    @GetMapping(path = "/api/v1/jobs/{id}/dzi/{descriptor}")
    public ResponseEntity<String> descriptor(@Parameter(description = "The job's id.") @PathVariable String id,
                                             @Parameter(description = "result.dzi or input.dzi.") @PathVariable String descriptor) {
        DeepZoom zoom = results.geometry(id);
        String format = switch (descriptor) {
            case "result.dzi" -> "png";
            case "input.dzi" -> {
                previews.requireEnabled(id);
                yield "jpg";
            }
            default -> throw ApiException.notFound("There is no Deep Zoom layer '" + descriptor
                    + "': the layers are result.dzi and input.dzi.");
        };
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_XML).cacheControl(CacheControl.noCache())
                .body(zoom.descriptor(format));
    }

    @Operation(summary = "A Deep Zoom tile", description = "result_files/<level>/<column>_<row>.png: the result's "
            + "values (or a tint of them with tint=rrggbb); input_files/<level>/<column>_<row>.jpg: the input's preview. "
            + "While the job runs, a tile not written yet is drawn from what is finished, or is a 404; finished tiles "
            + "are cached by browsers (ETag), live ones are not.",
            responses = {
                    @ApiResponse(responseCode = "200", description = "The tile.",
                            content = {@Content(mediaType = "image/png"), @Content(mediaType = "image/jpeg")}),
                    @ApiResponse(responseCode = "304", description = "A finished tile the client has (If-None-Match)."),
                    @ApiResponse(responseCode = "400", description = "Not a job id, or a tint that is not rrggbb."),
                    @ApiResponse(responseCode = "404", description = "No such job, tile or layer, or not written yet.")})
    @GetMapping(path = "/api/v1/jobs/{id}/dzi/{layer}/{level}/{tile}")
    public ResponseEntity<byte[]> tile(@Parameter(description = "The job's id.") @PathVariable String id,
                                       @Parameter(description = "result_files or input_files.") @PathVariable String layer,
                                       @Parameter(description = "The Deep Zoom level: 0 is one pixel, the largest the "
                                               + "full resolution.") @PathVariable String level,
                                       @Parameter(description = "<column>_<row>.png (result) or .jpg (input).") @PathVariable String tile,
                                       @Parameter(description = "The mask in a colour, six hexadecimal digits (ff2020); "
                                               + "without it, the result's grey values.") @RequestParam(required = false) String tint,
                                       @RequestHeader(value = "If-None-Match", required = false) String ifNoneMatch)
            throws IOException {
        Matcher m = TILE.matcher(tile);
        if (!level.matches("\\d{1,2}") || !m.matches()) {
            throw ApiException.notFound("A Deep Zoom tile is <level>/<column>_<row>.png (result) or .jpg (input).");
        }
        int l = Integer.parseInt(level);
        int column = Integer.parseInt(m.group(1));
        int row = Integer.parseInt(m.group(2));
        if (layer.equals("input_files") && m.group(3).equals("jpg")) {
            Optional<byte[]> jpeg = previews.tile(id, l, column, row);
            return jpeg.map(b -> ResponseEntity.ok().contentType(MediaType.IMAGE_JPEG)
                            .cacheControl(CacheControl.noCache()).body(b))
                    .orElseThrow(() -> ApiException.notFound("That part of the input is not sliced yet."));
        }
        if (!layer.equals("result_files") || !m.group(3).equals("png")) {
            throw ApiException.notFound("The layers are result_files (png) and input_files (jpg).");
        }
        if (tint != null && !TINT.matcher(tint).matches()) {
            throw ApiException.badRequest("tint is a colour as six hexadecimal digits (ff0000), not '" + tint + "'.");
        }
        String etag = "\"" + id + "-" + l + "-" + column + "-" + row + "-" + (tint == null ? "grey" : tint.toLowerCase()) + "\"";
        Optional<ResultTiles.Tile> t = results.tile(id, l, column, row);
        if (t.isEmpty()) {
            throw ApiException.notFound("That part of the result is not written yet.");
        }
        if (t.get().finished() && etag.equals(ifNoneMatch)) {
            return ResponseEntity.status(304).eTag(etag).build();
        }
        byte[] png = TilePng.encode(t.get(), tint == null ? -1 : Integer.parseInt(tint, 16));
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().contentType(MediaType.IMAGE_PNG);
        if (t.get().finished()) {
            // a finished result never changes under its job id
            ok = ok.eTag(etag).cacheControl(CacheControl.maxAge(Duration.ofDays(1)).cachePrivate());
        } else {
            ok = ok.cacheControl(CacheControl.noStore());
        }
        return ok.body(png);
    }
}
