package dev.weft.simulator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts of the simulation results, written as PNG with XChart. */
final class SimPlots {
  private SimPlots() {}

  /** One named line: x and y values of equal length. */
  record Line(String name, List<? extends Number> x, List<? extends Number> y, boolean dashed) {}

  static void png(Path file, String title, String xTitle, String yTitle, boolean logX, boolean logY, List<Line> lines)
      throws IOException {
    XYChart chart = new XYChartBuilder().width(720).height(440).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle)
        .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setXAxisLogarithmic(logX);
    chart.getStyler().setYAxisLogarithmic(logY);
    if (!logY) {
      chart.getStyler().setYAxisMin(0.0);
    }
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setAntiAlias(true);
    chart.getStyler().setYAxisDecimalPattern("#,##0.#####"); // 0.0001 on log axes, not "0"
    for (Line l : lines) {
      XYSeries s = chart.addSeries(l.name(), l.x(), l.y());
      if (l.x().size() > 40) {
        s.setMarker(SeriesMarkers.NONE); // a curve, not points
      }
      if (l.dashed()) {
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER,
            10f, new float[] {6f, 4f}, 0f));
      }
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
