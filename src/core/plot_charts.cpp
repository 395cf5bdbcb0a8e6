// Line charts and heat maps for training reports; same look as plot.cpp's scatter.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/plot.h"

namespace mote {

namespace {

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

std::string f(const char* fmt, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, a);
  return buf;
}

double step_for(double span, int target) {
  double raw = span / target, mag = std::pow(10.0, std::floor(std::log10(raw))), r = raw / mag;
  return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
}

std::string header(double W, double H, const std::string& title, double left) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + f("%.0f", W) + "\" height=\"" + f("%.0f", H) +
         "\" viewBox=\"0 0 " + f("%.0f", W) + " " + f("%.0f", H) +
         "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
         "<text x=\"" + f("%.0f", left) + "\" y=\"28\" font-size=\"16\" font-weight=\"bold\">" + esc(title) + "</text>\n";
}

}  // namespace

std::string line_svg(const std::string& title, const std::string& x_label, const std::string& y_label,
                     const std::vector<LineSeries>& series) {
  const double W = 860, H = 480, left = 70, right = 200, top = 50, bottom = 60, pw = W - left - right, ph = H - top - bottom;
  double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
  for (auto& s : series)
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.y[i])) continue;
      x0 = std::min(x0, double(s.x[i])), x1 = std::max(x1, double(s.x[i]));
      y0 = std::min(y0, double(s.y[i])), y1 = std::max(y1, double(s.y[i]));
    }
  if (x0 > x1) x0 = y0 = 0, x1 = y1 = 1;
  if (x1 - x0 < 1e-9) x0 -= 1, x1 += 1;
  if (y1 - y0 < 1e-9) y0 -= 1, y1 += 1;
  y0 = std::min(y0, 0.0);  // losses and accuracies read best from zero
  double pady = (y1 - y0) * 0.04;
  y1 += pady;
  auto sx = [&](double x) { return left + (x - x0) / (x1 - x0) * pw; };
  auto sy = [&](double y) { return top + ph - (y - y0) / (y1 - y0) * ph; };
  std::string o = header(W, H, title, left);
  double xs = step_for(x1 - x0, 8), ys = step_for(y1 - y0, 6);
  for (double t = std::ceil(x0 / xs) * xs; t <= x1 + 1e-9; t += xs)
    o += "<line x1=\"" + f("%.1f", sx(t)) + "\" y1=\"" + f("%.1f", top) + "\" x2=\"" + f("%.1f", sx(t)) + "\" y2=\"" +
         f("%.1f", top + ph) + "\" stroke=\"#eee\"/>\n<text x=\"" + f("%.1f", sx(t)) + "\" y=\"" + f("%.1f", top + ph + 16) +
         "\" text-anchor=\"middle\" fill=\"#555\">" + f("%g", t) + "</text>\n";
  for (double t = std::ceil(y0 / ys) * ys; t <= y1 + 1e-9; t += ys)
    o += "<line x1=\"" + f("%.1f", left) + "\" y1=\"" + f("%.1f", sy(t)) + "\" x2=\"" + f("%.1f", left + pw) + "\" y2=\"" +
         f("%.1f", sy(t)) + "\" stroke=\"#eee\"/>\n<text x=\"" + f("%.1f", left - 6) + "\" y=\"" + f("%.1f", sy(t) + 4) +
         "\" text-anchor=\"end\" fill=\"#555\">" + f("%g", std::fabs(t) < ys * 1e-6 ? 0.0 : t) + "</text>\n";
  o += "<rect x=\"" + f("%.1f", left) + "\" y=\"" + f("%.1f", top) + "\" width=\"" + f("%.1f", pw) + "\" height=\"" + f("%.1f", ph) +
       "\" fill=\"none\" stroke=\"#999\"/>\n";
  o += "<text x=\"" + f("%.1f", left + pw / 2) + "\" y=\"" + f("%.1f", H - 18) + "\" text-anchor=\"middle\">" + esc(x_label) + "</text>\n";
  o += "<text transform=\"translate(18," + f("%.1f", top + ph / 2) + ") rotate(-90)\" text-anchor=\"middle\">" + esc(y_label) + "</text>\n";
  for (size_t k = 0; k < series.size(); ++k) {
    std::string d;
    bool pen = false;
    for (size_t i = 0; i < series[k].x.size() && i < series[k].y.size(); ++i) {
      if (!std::isfinite(series[k].y[i])) {
        pen = false;
        continue;
      }
      d += (pen ? " L" : " M") + f("%.1f", sx(series[k].x[i])) + "," + f("%.1f", sy(series[k].y[i]));
      pen = true;
    }
    o += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + palette_color(k) + "\" stroke-width=\"2\"><title>" +
         esc(series[k].name) + "</title></path>\n";
    double ly = top + 6 + 20 * k;
    o += "<line x1=\"" + f("%.1f", left + pw + 14) + "\" y1=\"" + f("%.1f", ly) + "\" x2=\"" + f("%.1f", left + pw + 30) + "\" y2=\"" +
         f("%.1f", ly) + "\" stroke=\"" + palette_color(k) + "\" stroke-width=\"3\"/>\n<text x=\"" + f("%.1f", left + pw + 36) +
         "\" y=\"" + f("%.1f", ly + 4) + "\">" + esc(series[k].name) + "</text>\n";
  }
  return o + "</svg>\n";
}

std::string heatmap_svg(const std::string& title, const std::string& row_label, const std::string& col_label,
                        const std::vector<std::string>& rows, const std::vector<std::string>& cols,
                        const std::vector<double>& values) {
  const double cell = std::max(36.0, std::min(80.0, 640.0 / std::max<size_t>(1, std::max(rows.size(), cols.size()))));
  const double left = 140, top = 110, W = left + cell * cols.size() + 40, H = top + cell * rows.size() + 60;
  std::string o = header(std::max(W, 420.0), H, title, 20);
  o += "<text x=\"" + f("%.1f", left + cell * cols.size() / 2) + "\" y=\"" + f("%.1f", top - 70) + "\" text-anchor=\"middle\">" +
       esc(col_label) + "</text>\n";
  o += "<text transform=\"translate(18," + f("%.1f", top + cell * rows.size() / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
       esc(row_label) + "</text>\n";
  for (size_t c = 0; c < cols.size(); ++c)
    o += "<text transform=\"translate(" + f("%.1f", left + cell * (c + 0.5) + 4) + "," + f("%.1f", top - 6) +
         ") rotate(-45)\">" + esc(cols[c]) + "</text>\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    double total = 0;
    for (size_t c = 0; c < cols.size(); ++c) total += values[r * cols.size() + c];
    o += "<text x=\"" + f("%.1f", left - 8) + "\" y=\"" + f("%.1f", top + cell * (r + 0.5) + 4) + "\" text-anchor=\"end\">" +
         esc(rows[r]) + "</text>\n";
    for (size_t c = 0; c < cols.size(); ++c) {
      double v = values[r * cols.size() + c], share = total > 0 ? v / total : 0;
      int shade = static_cast<int>(255 - 180 * share);
      char fill[16];
      std::snprintf(fill, sizeof fill, "#%02x%02xff", shade, shade);
      o += "<rect x=\"" + f("%.1f", left + cell * c) + "\" y=\"" + f("%.1f", top + cell * r) + "\" width=\"" + f("%.1f", cell) +
           "\" height=\"" + f("%.1f", cell) + "\" fill=\"" + fill + "\" stroke=\"#ccc\"/>\n";
      o += "<text x=\"" + f("%.1f", left + cell * (c + 0.5)) + "\" y=\"" + f("%.1f", top + cell * (r + 0.5) + 4) +
           "\" text-anchor=\"middle\" fill=\"" + (share > 0.6 ? "white" : "black") + "\">" + f("%g", v) + "</text>\n";
    }
  }
  return o + "</svg>\n";
}

}  // namespace mote
