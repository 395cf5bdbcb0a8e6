#include "core/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace mote {

namespace {

// Okabe-Ito plus a few distinct extras: safe for the common colour-vision deficiencies.
const char* const kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
                                "#F0E442", "#000000", "#8C564B", "#7F7F7F", "#17BECF", "#BCBD22"};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Tick step of 1, 2 or 5 x 10^k giving about `target` ticks over the span.
double nice_step(double span, int target) {
  double raw = span / target;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double r = raw / mag;
  return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * mag;
}

std::string fmt(const char* f, double a) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, a);
  return buf;
}

}  // namespace

const char* palette_color(size_t i) { return kPalette[i % (sizeof kPalette / sizeof kPalette[0])]; }

std::string scatter_svg(const std::string& title, const std::string& x_label, const std::string& y_label,
                        const std::vector<ScatterSeries>& series) {
  const double W = 860, H = 560, left = 70, right = 200, top = 50, bottom = 60;
  const double pw = W - left - right, ph = H - top - bottom;
  double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
  for (auto& s : series)
    for (size_t i = 0; i + 1 < s.xy.size(); i += 2) {
      x0 = std::min(x0, double(s.xy[i])), x1 = std::max(x1, double(s.xy[i]));
      y0 = std::min(y0, double(s.xy[i + 1])), y1 = std::max(y1, double(s.xy[i + 1]));
    }
  if (x0 > x1) x0 = y0 = -1, x1 = y1 = 1;
  if (x1 - x0 < 1e-9) x0 -= 1, x1 += 1;
  if (y1 - y0 < 1e-9) y0 -= 1, y1 += 1;
  double padx = (x1 - x0) * 0.04, pady = (y1 - y0) * 0.04;
  x0 -= padx, x1 += padx, y0 -= pady, y1 += pady;
  auto sx = [&](double x) { return left + (x - x0) / (x1 - x0) * pw; };
  auto sy = [&](double y) { return top + ph - (y - y0) / (y1 - y0) * ph; };

  std::string o = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fmt("%.0f", W) + "\" height=\"" + fmt("%.0f", H) +
                  "\" viewBox=\"0 0 " + fmt("%.0f", W) + " " + fmt("%.0f", H) +
                  "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
  o += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o += "<text x=\"" + fmt("%.0f", left) + "\" y=\"28\" font-size=\"16\" font-weight=\"bold\">" + escape(title) + "</text>\n";
  // Grid and ticks.
  double xs = nice_step(x1 - x0, 8), ys = nice_step(y1 - y0, 6);
  for (double t = std::ceil(x0 / xs) * xs; t <= x1; t += xs) {
    o += "<line x1=\"" + fmt("%.1f", sx(t)) + "\" y1=\"" + fmt("%.1f", top) + "\" x2=\"" + fmt("%.1f", sx(t)) + "\" y2=\"" +
         fmt("%.1f", top + ph) + "\" stroke=\"#eee\"/>\n";
    o += "<text x=\"" + fmt("%.1f", sx(t)) + "\" y=\"" + fmt("%.1f", top + ph + 16) + "\" text-anchor=\"middle\" fill=\"#555\">" +
         fmt("%g", std::fabs(t) < xs * 1e-6 ? 0.0 : t) + "</text>\n";
  }
  for (double t = std::ceil(y0 / ys) * ys; t <= y1; t += ys) {
    o += "<line x1=\"" + fmt("%.1f", left) + "\" y1=\"" + fmt("%.1f", sy(t)) + "\" x2=\"" + fmt("%.1f", left + pw) + "\" y2=\"" +
         fmt("%.1f", sy(t)) + "\" stroke=\"#eee\"/>\n";
    o += "<text x=\"" + fmt("%.1f", left - 6) + "\" y=\"" + fmt("%.1f", sy(t) + 4) + "\" text-anchor=\"end\" fill=\"#555\">" +
         fmt("%g", std::fabs(t) < ys * 1e-6 ? 0.0 : t) + "</text>\n";
  }
  o += "<rect x=\"" + fmt("%.1f", left) + "\" y=\"" + fmt("%.1f", top) + "\" width=\"" + fmt("%.1f", pw) + "\" height=\"" +
       fmt("%.1f", ph) + "\" fill=\"none\" stroke=\"#999\"/>\n";
  o += "<text x=\"" + fmt("%.1f", left + pw / 2) + "\" y=\"" + fmt("%.1f", H - 18) + "\" text-anchor=\"middle\">" +
       escape(x_label) + "</text>\n";
  o += "<text transform=\"translate(18," + fmt("%.1f", top + ph / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
       escape(y_label) + "</text>\n";
  // Points, one group per series so the file stays editable.
  for (size_t k = 0; k < series.size(); ++k) {
    o += "<g fill=\"" + std::string(palette_color(k)) + "\" fill-opacity=\"0.6\"><title>" + escape(series[k].name) + "</title>\n";
    for (size_t i = 0; i + 1 < series[k].xy.size(); i += 2)
      o += "<circle cx=\"" + fmt("%.1f", sx(series[k].xy[i])) + "\" cy=\"" + fmt("%.1f", sy(series[k].xy[i + 1])) + "\" r=\"3\"/>\n";
    o += "</g>\n";
  }
  // Legend.
  double ly = top + 6;
  for (size_t k = 0; k < series.size(); ++k, ly += 20) {
    o += "<circle cx=\"" + fmt("%.1f", left + pw + 22) + "\" cy=\"" + fmt("%.1f", ly) + "\" r=\"6\" fill=\"" + palette_color(k) + "\"/>\n";
    o += "<text x=\"" + fmt("%.1f", left + pw + 34) + "\" y=\"" + fmt("%.1f", ly + 4) + "\">" + escape(series[k].name) + " (" +
         std::to_string(series[k].xy.size() / 2) + ")</text>\n";
  }
  return o + "</svg>\n";
}

}  // namespace mote
