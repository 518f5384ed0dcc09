package io.stowage.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of the management port's Prometheus endpoint, and the values of its series. */
record Scrape(String text) {

    static Scrape of(HttpClient http, int managementPort) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + managementPort + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new Scrape(response.body());
    }

    /** The value of the series {@code name} whose labels include every one of {@code labels}; 0 if there is none. */
    double value(String name, String... labels) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{.*})? (\\S+)$").matcher(text);
        double sum = 0;
        boolean found = false;
        while (line.find()) {
            String have = line.group(1) == null ? "" : line.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= have.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(line.group(2));
                found = true;
            }
        }
        return found ? sum : 0;
    }

    /** Like {@link #value}, but the series must be there. */
    double required(String name, String... labels) {
        assertThat(text).as("a series " + name).containsPattern("(?m)^" + Pattern.quote(name) + "[{ ]");
        return value(name, labels);
    }
}
