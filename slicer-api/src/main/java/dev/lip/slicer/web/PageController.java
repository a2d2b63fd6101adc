package dev.lip.slicer.web;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The pages (static files under {@code /ui/}): {@code /} lists jobs and uploads, {@code /jobs/{id}} shows one with its
 * viewer. They hold no data; everything they show comes from the API with the token the page asks for.
 */
@Controller
@io.swagger.v3.oas.annotations.Hidden // pages, not the API
public class PageController {
    @GetMapping("/")
    public String jobs() {
        return "forward:/ui/index.html";
    }

    @GetMapping("/jobs/{id}")
    public String job(@PathVariable String id) {
        return "forward:/ui/job.html";
    }
}
