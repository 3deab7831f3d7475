//===- tt-peak.cpp - Microbenchmarks of the simulated chip ----------------===//
#include "tessel/runtime/Chip.h"
#include "tessel/runtime/Peak.h"

#include <cstdio>
#include <cstring>
#include <string>

using namespace tessel::rt;

namespace {
const char *const kHelp = R"(usage: tt-peak [--chip=NAME|PATH]

Runs microbenchmark kernels (DRAM, NoC, matrix engine, FPU eltwise, SFPU) on
the simulated chip and prints each measured figure next to its reference: the
figure measured on silicon where one is published, else the descriptor's peak.

options:
  --chip=NAME|PATH  chip to measure (default wormhole_b0); a NAME is looked up
                    in $TESSEL_CHIPS_DIR, a PATH is a .chip descriptor file
  --help            show this help
)";

[[noreturn]] void die(const std::string &msg) {
  std::fprintf(stderr, "tt-peak: error: %s\n", msg.c_str());
  std::exit(1);
}
} // namespace

int main(int argc, char **argv) {
  std::string chipName = kDefaultChip;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kHelp, stdout);
      return 0;
    }
    if (a.rfind("--chip=", 0) == 0)
      chipName = a.substr(std::strlen("--chip="));
    else
      die("unknown argument '" + a + "' (see --help)");
  }
  ChipDesc chip;
  std::string error;
  if (!loadChip(chipName, chip, error))
    die(error);
  std::vector<PeakFigure> figures;
  if (!measurePeaks(chip, figures, error))
    die(error);
  std::fputs(peakTable(chip, figures).c_str(), stdout);
  return 0;
}
