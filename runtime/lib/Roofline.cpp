//===- Roofline.cpp - Roofline chart of a run as SVG ----------------------===//
//
// Log-log axes: arithmetic intensity (flop per DRAM byte) against achieved
// GFLOP/s. A dispatch with no DRAM traffic sits at the right edge, one with
// no counted work at the bottom; both keep their point so that every
// dispatch is on the chart. Dispatches at the same spot share one label.
//
//===----------------------------------------------------------------------===//
#include "tessel/runtime/Roofline.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace tessel::rt {

namespace {

constexpr double kWidth = 960, kHeight = 640;
constexpr double kLeft = 90, kRight = 30, kTop = 60, kBottom = 70;

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f", v);
  return buf;
}

std::string escape(const std::string &s) {
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

// A decade's label: plain numbers from 0.01 to 1000, "1e4" style beyond.
std::string decadeLabel(int e) {
  if (e >= -2 && e <= 3) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "%.*f", e < 0 ? -e : 0, std::pow(10.0, e));
    return buf;
  }
  return "1e" + std::to_string(e);
}

struct Axis {
  int lo, hi;           // decades
  double pixelLo, pixelHi;
  double at(double v) const {
    double t = (std::log10(v) - lo) / double(hi - lo);
    return pixelLo + t * (pixelHi - pixelLo);
  }
  double min() const { return std::pow(10.0, lo); }
  double max() const { return std::pow(10.0, hi); }
};

struct Point {
  double x, y;
  std::string label;
};

} // namespace

std::string rooflineSvg(const PerfReport &r) {
  double ghz = double(r.clockMhz) / 1000.0;
  double roof = r.peakFlopsPerCycle * ghz;           // GFLOP/s, LoFi
  double hifi4 = roof / 4;                           // four multiplier phases
  double bandwidth = r.peakDramBytesPerCycle * ghz;  // GB/s
  double ridge = roof / bandwidth;

  // Raw coordinates; zeros are placed at the edges once the axes are known.
  std::vector<std::pair<double, double>> raw;
  double xs[2] = {ridge, ridge}, ys[2] = {roof, roof};
  for (const DispatchPerf &d : r.dispatches) {
    double bytes = double(d.dramBytesRead + d.dramBytesWritten);
    double x = bytes > 0 ? d.flops / bytes : 0;
    double y = d.cycles > 0 ? d.flops / double(d.cycles) * ghz : 0;
    raw.push_back({x, y});
    if (x > 0) xs[0] = std::min(xs[0], x), xs[1] = std::max(xs[1], x);
    if (y > 0) ys[0] = std::min(ys[0], y), ys[1] = std::max(ys[1], y);
  }
  Axis ax{int(std::floor(std::log10(xs[0] / 2))), int(std::ceil(std::log10(xs[1] * 2))),
          kLeft, kWidth - kRight};
  Axis ay{int(std::floor(std::log10(ys[0] / 2))), int(std::ceil(std::log10(ys[1] * 2))),
          kHeight - kBottom, kTop};

  std::string s;
  auto line = [&](double x1, double y1, double x2, double y2, const char *style) {
    s += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" +
         num(y2) + "\" " + style + "/>\n";
  };
  auto text = [&](double x, double y, const std::string &t, const char *attrs) {
    s += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" " + attrs + ">" + escape(t) +
         "</text>\n";
  };
  s += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
       "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(kWidth) + "\" height=\"" +
       num(kHeight) + "\" viewBox=\"0 0 " + num(kWidth) + " " + num(kHeight) +
       "\" font-family=\"sans-serif\" font-size=\"13\">\n"
       "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  text(kWidth / 2, 30, "Roofline of " + r.chip + ": every dispatch of the run",
       "text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\"");

  // Grid and decade ticks.
  for (int e = ax.lo; e <= ax.hi; ++e) {
    double x = ax.at(std::pow(10.0, e));
    line(x, ay.pixelLo, x, ay.pixelHi, "stroke=\"#e4e4e4\"");
    text(x, ay.pixelLo + 20, decadeLabel(e), "text-anchor=\"middle\"");
  }
  for (int e = ay.lo; e <= ay.hi; ++e) {
    double y = ay.at(std::pow(10.0, e));
    line(ax.pixelLo, y, ax.pixelHi, y, "stroke=\"#e4e4e4\"");
    text(ax.pixelLo - 8, y + 4, decadeLabel(e), "text-anchor=\"end\"");
  }
  s += "<rect x=\"" + num(ax.pixelLo) + "\" y=\"" + num(ay.pixelHi) + "\" width=\"" +
       num(ax.pixelHi - ax.pixelLo) + "\" height=\"" + num(ay.pixelLo - ay.pixelHi) +
       "\" fill=\"none\" stroke=\"#444\"/>\n";
  text((ax.pixelLo + ax.pixelHi) / 2, kHeight - 22, "arithmetic intensity (flop per DRAM byte)",
       "text-anchor=\"middle\" font-size=\"14\"");
  s += "<text transform=\"translate(24," + num((ay.pixelLo + ay.pixelHi) / 2) +
       ") rotate(-90)\" text-anchor=\"middle\" font-size=\"14\">achieved GFLOP/s</text>\n";

  // Roofs: the DRAM slope up to the LoFi ceiling, then the ceilings (HiFi4's
  // dashed, from where it meets the slope).
  auto rate = [](double gflops) {
    char buf[48];
    if (gflops >= 1000)
      std::snprintf(buf, sizeof(buf), "%.1f TFLOP/s", gflops / 1000);
    else
      std::snprintf(buf, sizeof(buf), "%.0f GFLOP/s", gflops);
    return std::string(buf);
  };
  const char *solid = "stroke=\"#1f5fbf\" stroke-width=\"2.5\"";
  const char *dashed = "stroke=\"#1f5fbf\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"";
  double slopeStart = std::max(ax.min(), ay.min() / bandwidth);
  line(ax.at(slopeStart), ay.at(slopeStart * bandwidth), ax.at(ridge), ay.at(roof), solid);
  line(ax.at(ridge), ay.at(roof), ax.pixelHi, ay.at(roof), solid);
  line(ax.at(hifi4 / bandwidth), ay.at(hifi4), ax.pixelHi, ay.at(hifi4), dashed);
  text(ax.pixelHi - 6, ay.at(roof) - 6, "LoFi peak " + rate(roof),
       "text-anchor=\"end\" fill=\"#1f5fbf\"");
  text(ax.pixelHi - 6, ay.at(hifi4) - 6, "HiFi4 peak " + rate(hifi4),
       "text-anchor=\"end\" fill=\"#1f5fbf\"");
  // Label the slope, along it, near its lower end.
  double labelX = slopeStart * 3;
  if (labelX < ridge / 3) {
    double angle = -std::atan2(ay.at(labelX) - ay.at(labelX * 10),
                               ax.at(labelX * 10) - ax.at(labelX)) * 180 / M_PI;
    char bw[48];
    std::snprintf(bw, sizeof(bw), "DRAM %.0f GB/s", bandwidth);
    s += "<text transform=\"translate(" + num(ax.at(labelX) + 6) + "," +
         num(ay.at(labelX * bandwidth) - 8) + ") rotate(" + num(angle) +
         ")\" fill=\"#1f5fbf\">" + bw + "</text>\n";
  }

  // Points, grouped where they coincide on screen.
  std::map<std::pair<long, long>, Point> spots;
  std::vector<std::pair<double, double>> pixels;
  for (size_t i = 0; i < r.dispatches.size(); ++i) {
    const DispatchPerf &d = r.dispatches[i];
    double x = raw[i].first > 0 ? ax.at(raw[i].first) : ax.pixelHi;
    double y = raw[i].second > 0 ? ay.at(raw[i].second) : ay.pixelLo;
    pixels.push_back({x, y});
    std::string name = d.name.empty() ? d.op : d.name;
    auto key = std::make_pair(std::lround(x / 4), std::lround(y / 4));
    auto it = spots.find(key);
    if (it == spots.end())
      spots[key] = {x, y, name};
    else
      it->second.label += ", " + name;
  }
  for (size_t i = 0; i < pixels.size(); ++i) {
    const DispatchPerf &d = r.dispatches[i];
    char tip[160];
    std::snprintf(tip, sizeof(tip), "%s: %lld cycles, %.1f%% of roofline",
                  (d.name.empty() ? d.op : d.name).c_str(), (long long)d.cycles,
                  100 * d.achievedFraction);
    s += "<circle class=\"dispatch\" cx=\"" + num(pixels[i].first) + "\" cy=\"" +
         num(pixels[i].second) + "\" r=\"5\" fill=\"#d9480f\" fill-opacity=\"0.8\" "
         "stroke=\"#7a2600\"><title>" + escape(tip) + "</title></circle>\n";
  }
  // Labels right of their point; push down labels that would overlap.
  std::vector<Point> labels;
  for (auto &[key, p] : spots)
    labels.push_back(p);
  std::sort(labels.begin(), labels.end(),
            [](const Point &a, const Point &b) { return a.y < b.y; });
  std::vector<std::pair<double, double>> placed; // (x, y) of placed labels
  for (Point &p : labels) {
    double y = p.y + 4;
    bool moved = true;
    while (moved) {
      moved = false;
      for (auto [px, py] : placed)
        if (std::abs(px - p.x) < 200 && std::abs(py - y) < 15) {
          y = py + 15;
          moved = true;
        }
    }
    placed.push_back({p.x, y});
    // Labels near the right edge go to the left of their point.
    bool left = p.x > ax.pixelHi - 220;
    std::string anchor = left ? "text-anchor=\"end\"" : "text-anchor=\"start\"";
    text(left ? p.x - 9 : p.x + 9, y, p.label, anchor.c_str());
    if (std::abs(y - (p.y + 4)) > 1)
      line(p.x, p.y, left ? p.x - 8 : p.x + 8, y - 4, "stroke=\"#999\"");
  }
  return s + "</svg>\n";
}

} // namespace tessel::rt
