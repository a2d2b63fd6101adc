package dev.lip.slicer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class SlicerApiApplication {
    public static void main(String[] args) {
        SpringApplication.run(SlicerApiApplication.class, args);
    }
}
