package org.nezha.core.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes a PNG of one or more curves over training steps (loss, learning rate, dev metrics). */
public final class LossCurve {
    private LossCurve() {}

    public record Series(String name, List<? extends Number> steps, List<? extends Number> values) {}

    public static void writePng(Path file, String title, String yLabel, List<Series> series) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle("step").yAxisTitle(yLabel).build();
        chart.getStyler().setLegendVisible(series.size() > 1);
        for (Series s : series) {
            if (s.steps().isEmpty()) continue;
            XYSeries xy = chart.addSeries(s.name(), s.steps(), s.values());
            xy.setMarker(s.steps().size() > 40 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
        }
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".plot", ".png");
            BitmapEncoder.saveBitmap(chart, tmp.toString(), BitmapEncoder.BitmapFormat.PNG);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file, e);
        }
    }
}
