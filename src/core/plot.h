// Small SVG charts for reports (feature explorer, training curves, confusion matrix): no dependencies,
// readable output, one colour per class from a colour-blind-safe palette.
#pragma once

#include <string>
#include <vector>

namespace mote {

struct ScatterSeries {
  std::string name;
  std::vector<float> xy;  // x0, y0, x1, y1, ...
};

// A scatter plot with axes, ticks and a legend (name and count per series).
std::string scatter_svg(const std::string& title, const std::string& x_label, const std::string& y_label,
                        const std::vector<ScatterSeries>& series);

// Colour i of the palette ("#rrggbb").
const char* palette_color(size_t i);

}  // namespace mote

namespace mote {

struct LineSeries {
  std::string name;
  std::vector<float> x, y;  // same length; NaN y values leave a gap
};

// Lines over a shared x axis (e.g. training curves per epoch), with a legend.
std::string line_svg(const std::string& title, const std::string& x_label, const std::string& y_label,
                     const std::vector<LineSeries>& series);

// A matrix of counts as coloured cells with the numbers written in (e.g. a confusion matrix):
// values[r * cols.size() + c]; each row shaded by its share of the row total.
std::string heatmap_svg(const std::string& title, const std::string& row_label, const std::string& col_label,
                        const std::vector<std::string>& rows, const std::vector<std::string>& cols,
                        const std::vector<double>& values);

}  // namespace mote
