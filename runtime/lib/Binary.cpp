//===- Binary.cpp - Reading .ttb files ------------------------------------===//
#include "tessel/runtime/Binary.h"

#include "tessel/runtime/FileIO.h"

namespace tessel::rt {

bool loadBinaryFromBytes(std::vector<uint8_t> bytes, const ChipDesc &chip,
                         LoadedBinary &out, std::string &error) {
  if (!verifyBinary(bytes.data(), bytes.size(), chip, error))
    return false;
  out.bytes = std::move(bytes);
  out.chip = chip;
  return true;
}

bool loadBinary(const std::string &path, const ChipDesc &chip,
                LoadedBinary &out, std::string &error) {
  std::vector<uint8_t> bytes;
  if (!readFile(path, bytes, error))
    return false;
  if (!loadBinaryFromBytes(std::move(bytes), chip, out, error)) {
    error = path + ": " + error;
    return false;
  }
  out.path = path;
  return true;
}

bool loadBinary(const std::string &path, LoadedBinary &out, std::string &error) {
  ChipDesc chip;
  if (!loadChip(kDefaultChip, chip, error))
    return false;
  return loadBinary(path, chip, out, error);
}

} // namespace tessel::rt
