package dev.lip.slicer.web;

import dev.lip.common.algorithm.Algorithms;
import dev.lip.common.algorithm.ParameterSpec;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@RestController
public class AlgorithmController {

    public record AlgorithmView(String name, String description, List<ParameterSpec> parameters) {
    }

    @GetMapping("/api/v1/algorithms")
    public List<AlgorithmView> algorithms() {
        return Algorithms.all().stream().map(a -> new AlgorithmView(a.name(), a.description(), a.parameters())).toList();
    }
}
