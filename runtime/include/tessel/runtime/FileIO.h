//===- FileIO.h - Whole-file reads and atomic writes ----------------------===//
#ifndef TESSEL_RUNTIME_FILEIO_H
#define TESSEL_RUNTIME_FILEIO_H

#include <cstdint>
#include <string>
#include <utility>
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

/// Files written together: all of them, or none. Each goes to a temporary file next to its
/// path; once every one is written they are all renamed into place. A failure removes the
/// temporaries and leaves the paths as they were.
class FileGroup {
public:
  void add(std::string path, std::string contents) {
    files.push_back({std::move(path), std::move(contents)});
  }
  bool commit(std::string &error);

private:
  std::vector<std::pair<std::string, std::string>> files;
};

} // namespace tessel::rt

#endif
