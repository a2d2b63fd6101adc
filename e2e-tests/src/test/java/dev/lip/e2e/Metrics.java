package dev.lip.e2e;

/** Reading Prometheus' text format in tests: the sum of a metric's samples, whatever their labels. */
final class Metrics {
    private Metrics() {
    }

    static double value(String exposition, String metric) {
        double sum = 0;
        boolean found = false;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(metric + " ") || line.startsWith(metric + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError(metric + " is not reported:\n" + exposition);
        }
        return sum;
    }
}
