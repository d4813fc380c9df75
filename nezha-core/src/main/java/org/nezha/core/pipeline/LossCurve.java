package org.nezha.core.pipeline;

import java.nio.file.Path;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import org.nezha.core.io.AtomicFiles;

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
        AtomicFiles.writeStream(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
