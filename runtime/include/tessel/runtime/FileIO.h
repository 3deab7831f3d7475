//===- FileIO.h - Whole-file reads and atomic writes ----------------------===//
#ifndef TESSEL_RUNTIME_FILEIO_H
#define TESSEL_RUNTIME_FILEIO_H

#include <cstdint>
#include <string>
#include <vector>

namespace tessel::rt {

bool readFile(const std::string &path, std::vector<uint8_t> &out,
              std::string &error);

/// Writes to a temporary file next to `path` and renames it over `path`, so a
/// reader never sees a half-written file.
bool writeFileAtomically(const std::string &path, const void *data,
                         size_t size, std::string &error);
inline bool writeFileAtomically(const std::string &path,
                                const std::string &contents,
                                std::string &error) {
  return writeFileAtomically(path, contents.data(), contents.size(), error);
}

} // namespace tessel::rt

#endif
