package dev.lip.slicer.web;

import dev.lip.algorithms.Algorithms;
import dev.lip.algorithms.ParameterSpec;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
public class AlgorithmController {

    /** @param statistics job-wide statistics the algorithm needs before its patches can be processed */
    public record AlgorithmView(String name, String description, List<ParameterSpec> parameters, List<String> statistics) {
    }

    @io.swagger.v3.oas.annotations.tags.Tag(name = "algorithms")
    @io.swagger.v3.oas.annotations.Operation(summary = "The algorithms and their parameters",
            description = "Each with its parameters (name, type, default, valid values, what it does) and the "
                    + "whole-image statistics it waits for.",
            responses = @io.swagger.v3.oas.annotations.responses.ApiResponse(responseCode = "200", description = "The algorithms."))
    @GetMapping("/api/v1/algorithms")
    public List<AlgorithmView> algorithms() {
        return Algorithms.all().stream().map(a -> new AlgorithmView(a.name(), a.description(), a.parameters(),
                a.requiredStatistics().stream().map(Enum::name).sorted().toList())).toList();
    }
}
