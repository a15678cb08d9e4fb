#include "libs/files/import/xlsx_reader.h"

#include <expat.h>
#include <zip.h>

#include <cstring>
#include <deque>
#include <memory>

#include "absl/strings/str_cat.h"
#include "services/common/core/refusal.h"

namespace zizhu::tools {
namespace {

const char* LocalName(const char* name) {
  const char* colon = std::strrchr(name, ':');
  return colon ? colon + 1 : name;
}

// <sst><si><t>..</t></si><si><r><t>a</t></r><r><t>b</t></r></si></sst>
struct SharedStrings {
  std::vector<std::string> strings;
  std::string current;
  bool in_si = false, in_t = false, in_rph = false;
};

void XMLCALL SstStart(void* data, const char* name, const char**) {
  auto* s = static_cast<SharedStrings*>(data);
  const char* n = LocalName(name);
  if (!std::strcmp(n, "si")) {
    s->in_si = true;
    s->current.clear();
  } else if (!std::strcmp(n, "t")) {
    s->in_t = true;
  } else if (!std::strcmp(n, "rPh")) {
    s->in_rph = true;  // phonetic runs are not part of the text
  }
}
void XMLCALL SstEnd(void* data, const char* name) {
  auto* s = static_cast<SharedStrings*>(data);
  const char* n = LocalName(name);
  if (!std::strcmp(n, "si")) {
    s->strings.push_back(s->current);
    s->in_si = false;
  } else if (!std::strcmp(n, "t")) {
    s->in_t = false;
  } else if (!std::strcmp(n, "rPh")) {
    s->in_rph = false;
  }
}
void XMLCALL SstText(void* data, const char* text, int len) {
  auto* s = static_cast<SharedStrings*>(data);
  if (s->in_si && s->in_t && !s->in_rph) s->current.append(text, len);
}

struct Sheet {
  const std::vector<std::string>* shared = nullptr;
  std::deque<CsvRow> ready;  // complete, non-blank rows not yet taken
  CsvRow row;
  bool in_row = false;
  int rows_seen = 0;
  std::string cell_type, value;
  int column = -1;
  bool in_v = false, in_t = false;
  std::string error;
};

int ColumnIndex(const char* ref) {
  int col = 0;
  for (const char* p = ref; *p >= 'A' && *p <= 'Z'; ++p) col = col * 26 + (*p - 'A' + 1);
  return col - 1;
}

void XMLCALL SheetStart(void* data, const char* name, const char** attrs) {
  auto* s = static_cast<Sheet*>(data);
  const char* n = LocalName(name);
  if (!std::strcmp(n, "row")) {
    s->row = CsvRow();
    s->row.line = ++s->rows_seen;
    for (int i = 0; attrs[i]; i += 2) {
      if (!std::strcmp(attrs[i], "r")) s->row.line = s->rows_seen = std::atoi(attrs[i + 1]);
    }
    s->in_row = true;
  } else if (!std::strcmp(n, "c")) {
    s->cell_type.clear();
    s->value.clear();
    s->column = -1;
    for (int i = 0; attrs[i]; i += 2) {
      if (!std::strcmp(attrs[i], "t")) s->cell_type = attrs[i + 1];
      if (!std::strcmp(attrs[i], "r")) s->column = ColumnIndex(attrs[i + 1]);
    }
    if (s->column < 0 && s->in_row) s->column = static_cast<int>(s->row.fields.size());
  } else if (!std::strcmp(n, "v")) {
    s->in_v = true;
  } else if (!std::strcmp(n, "t")) {
    s->in_t = true;
  }
}

void XMLCALL SheetEnd(void* data, const char* name) {
  auto* s = static_cast<Sheet*>(data);
  const char* n = LocalName(name);
  if (!std::strcmp(n, "row")) {
    s->in_row = false;
    bool blank = true;
    for (const auto& f : s->row.fields) blank &= f.empty();
    if (!blank) s->ready.push_back(std::move(s->row));
  } else if (!std::strcmp(n, "v")) {
    s->in_v = false;
  } else if (!std::strcmp(n, "t")) {
    s->in_t = false;
  } else if (!std::strcmp(n, "c") && s->in_row && s->column >= 0) {
    std::string text = s->value;
    if (s->cell_type == "s") {
      size_t index = std::strtoul(s->value.c_str(), nullptr, 10);
      if (!s->shared || index >= s->shared->size()) {
        s->error = absl::StrCat("cell refers to shared string ", index, " which does not exist");
        return;
      }
      text = (*s->shared)[index];
    }
    auto& fields = s->row.fields;
    if (static_cast<int>(fields.size()) <= s->column) fields.resize(s->column + 1);
    fields[s->column] = std::move(text);
  }
}

void XMLCALL SheetText(void* data, const char* text, int len) {
  auto* s = static_cast<Sheet*>(data);
  if (s->in_v || s->in_t) s->value.append(text, len);
}

using ParserPtr = std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)>;
using ZipFilePtr = std::unique_ptr<zip_file_t, int (*)(zip_file_t*)>;
using ZipPtr = std::unique_ptr<zip_t, void (*)(zip_t*)>;

constexpr size_t kPieceBytes = 64 * 1024;

ParserPtr NewParser(void* data, XML_StartElementHandler start, XML_EndElementHandler end,
                    XML_CharacterDataHandler chars) {
  ParserPtr parser(XML_ParserCreate("UTF-8"), XML_ParserFree);
  XML_SetUserData(parser.get(), data);
  XML_SetElementHandler(parser.get(), start, end);
  XML_SetCharacterDataHandler(parser.get(), chars);
  return parser;
}

absl::Status XmlError(XML_Parser parser, const std::string& part) {
  return absl::InvalidArgumentError(absl::StrCat("part '", part,
                                                 "' is not valid XML: ", XML_ErrorString(XML_GetErrorCode(parser)),
                                                 " at line ", XML_GetCurrentLineNumber(parser)));
}

// Feeds the next piece of a part to its parser; false at the end of the part.
absl::StatusOr<bool> FeedPiece(zip_file_t* file, XML_Parser parser, const std::string& part) {
  char piece[kPieceBytes];
  zip_int64_t n = zip_fread(file, piece, sizeof piece);
  if (n < 0) return absl::InvalidArgumentError(absl::StrCat("cannot read part '", part, "'"));
  if (XML_Parse(parser, piece, static_cast<int>(n), n == 0) == XML_STATUS_ERROR) return XmlError(parser, part);
  return n > 0;
}

absl::StatusOr<ZipFilePtr> OpenPart(zip_t* archive, const std::string& part) {
  ZipFilePtr file(zip_fopen(archive, part.c_str(), 0), zip_fclose);
  if (!file) return absl::InvalidArgumentError(absl::StrCat("cannot open part '", part, "'"));
  return file;
}

absl::StatusOr<std::string> FirstSheet(zip_t* archive) {
  std::string sheet_name = "xl/worksheets/sheet1.xml";
  if (zip_name_locate(archive, sheet_name.c_str(), 0) >= 0) return sheet_name;
  for (zip_int64_t i = 0; i < zip_get_num_entries(archive, 0); ++i) {
    std::string name = zip_get_name(archive, i, 0);
    if (name.rfind("xl/worksheets/", 0) == 0 && name.find('/', 14) == std::string::npos) return name;
  }
  return Refusal(absl::StatusCode::kInvalidArgument, "FILE_NO_WORKSHEET", {}, "the workbook has no worksheet");
}

// The first worksheet, parsed a piece at a time as rows are taken; only the
// shared strings (one copy of each distinct text) are held whole.
class XlsxRowReader : public RowReader {
 public:
  explicit XlsxRowReader(ZipPtr archive) : archive_(std::move(archive)) {}

  absl::Status Open() {
    const std::string sst_part = "xl/sharedStrings.xml";
    if (zip_name_locate(archive_.get(), sst_part.c_str(), 0) >= 0) {
      auto file = OpenPart(archive_.get(), sst_part);
      if (!file.ok()) return file.status();
      ParserPtr parser = NewParser(&shared_, SstStart, SstEnd, SstText);
      for (;;) {
        auto more = FeedPiece(file->get(), parser.get(), sst_part);
        if (!more.ok()) return more.status();
        if (!*more) break;
      }
    }
    auto sheet = FirstSheet(archive_.get());
    if (!sheet.ok()) return sheet.status();
    part_ = *sheet;
    auto file = OpenPart(archive_.get(), part_);
    if (!file.ok()) return file.status();
    file_ = std::move(*file);
    sheet_.shared = &shared_.strings;
    parser_ = NewParser(&sheet_, SheetStart, SheetEnd, SheetText);
    return absl::OkStatus();
  }

  absl::StatusOr<bool> Next(CsvRow* row) override {
    while (sheet_.ready.empty() && !ended_) {
      auto more = FeedPiece(file_.get(), parser_.get(), part_);
      if (!more.ok()) return more.status();
      ended_ = !*more;
      if (!sheet_.error.empty()) return absl::InvalidArgumentError(sheet_.error);
    }
    if (sheet_.ready.empty()) return false;
    *row = std::move(sheet_.ready.front());
    sheet_.ready.pop_front();
    return true;
  }

 private:
  ZipPtr archive_;
  SharedStrings shared_;
  std::string part_;
  ZipFilePtr file_{nullptr, zip_fclose};
  ParserPtr parser_{nullptr, XML_ParserFree};
  Sheet sheet_;
  bool ended_ = false;
};

absl::StatusOr<std::unique_ptr<RowReader>> OpenArchive(zip_t* raw) {
  auto reader = std::make_unique<XlsxRowReader>(ZipPtr(raw, zip_discard));
  if (auto opened = reader->Open(); !opened.ok()) return opened;
  return reader;
}

}  // namespace

bool LooksLikeXlsx(absl::string_view first_bytes) {
  return first_bytes.size() >= 4 && first_bytes.substr(0, 4) == absl::string_view("PK\x03\x04", 4);
}

absl::StatusOr<std::unique_ptr<RowReader>> OpenXlsxRows(const std::string& path) {
  int error_code = 0;
  zip_t* raw = zip_open(path.c_str(), ZIP_RDONLY, &error_code);
  if (!raw) {
    zip_error_t error;
    zip_error_init_with_code(&error, error_code);
    std::string message = zip_error_strerror(&error);
    zip_error_fini(&error);
    return Refusal(absl::StatusCode::kInvalidArgument, "FILE_NOT_XLSX", {{"detail", message}},
                   absl::StrCat("not an XLSX (zip) file: ", message));
  }
  return OpenArchive(raw);
}

absl::StatusOr<std::vector<CsvRow>> ReadXlsx(const std::string& bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!source) return absl::InvalidArgumentError("not a readable XLSX (zip) file");
  zip_t* raw = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (!raw) {
    zip_source_free(source);
    return Refusal(absl::StatusCode::kInvalidArgument, "FILE_NOT_XLSX", {{"detail", zip_error_strerror(&error)}},
                   absl::StrCat("not an XLSX (zip) file: ", zip_error_strerror(&error)));
  }
  auto reader = OpenArchive(raw);
  if (!reader.ok()) return reader.status();
  std::vector<CsvRow> rows;
  CsvRow row;
  for (;;) {
    auto more = (*reader)->Next(&row);
    if (!more.ok()) return more.status();
    if (!*more) return rows;
    rows.push_back(std::move(row));
  }
}

}  // namespace zizhu::tools
