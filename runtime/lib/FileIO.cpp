//===- FileIO.cpp - Whole-file reads and atomic writes --------------------===//
#include "tessel/runtime/FileIO.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace tessel::rt {

bool readFile(const std::string &path, std::vector<uint8_t> &out,
              std::string &error) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  // Read into one allocation of the file's size (a binary is tens of megabytes); a file that
  // is not seekable, or grows meanwhile, is read on in chunks.
  out.clear();
  struct stat st;
  if (::fstat(::fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    out.resize(size_t(st.st_size));
    out.resize(std::fread(out.data(), 1, out.size(), f));
  }
  uint8_t chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), f)) > 0)
    out.insert(out.end(), chunk, chunk + n);
  bool failed = std::ferror(f);
  std::fclose(f);
  if (failed) {
    error = "cannot read '" + path + "'";
    return false;
  }
  return true;
}

namespace {
std::string temporaryFor(const std::string &path) {
  return path + ".tmp." + std::to_string(::getpid());
}

// Writes `data` to the temporary file of `path`; on failure, removes it.
bool writeTemporary(const std::string &path, const void *data, size_t size,
                    std::string &error) {
  std::string tmp = temporaryFor(path);
  FILE *f = std::fopen(tmp.c_str(), "wb");
  if (!f) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    return false;
  }
  bool ok = std::fwrite(data, 1, size, f) == size;
  ok &= std::fflush(f) == 0;
  ok &= std::fclose(f) == 0;
  if (!ok) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    std::remove(tmp.c_str());
  }
  return ok;
}

bool renameTemporary(const std::string &path, std::string &error) {
  std::string tmp = temporaryFor(path);
  if (std::rename(tmp.c_str(), path.c_str()) == 0)
    return true;
  error = "cannot write '" + path + "': " + std::strerror(errno);
  std::remove(tmp.c_str());
  return false;
}
} // namespace

bool writeFileAtomically(const std::string &path, const void *data,
                         size_t size, std::string &error) {
  return writeTemporary(path, data, size, error) && renameTemporary(path, error);
}

bool FileGroup::commit(std::string &error) {
  for (size_t i = 0; i < files.size(); ++i)
    if (!writeTemporary(files[i].first, files[i].second.data(), files[i].second.size(),
                        error)) {
      for (size_t j = 0; j < i; ++j)
        std::remove(temporaryFor(files[j].first).c_str());
      return false;
    }
  // Renames within a directory do not fail for want of space; one that fails (a path turned
  // into a directory meanwhile) is reported, and the files not yet renamed are removed.
  for (size_t i = 0; i < files.size(); ++i)
    if (!renameTemporary(files[i].first, error)) {
      for (size_t j = i + 1; j < files.size(); ++j)
        std::remove(temporaryFor(files[j].first).c_str());
      return false;
    }
  return true;
}

} // namespace tessel::rt
