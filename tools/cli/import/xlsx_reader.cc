#include "tools/cli/import/xlsx_reader.h"

#include <expat.h>
#include <zip.h>

#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"

namespace zizhu::tools {
namespace {

absl::StatusOr<std::string> ReadEntry(zip_t* archive, const char* name) {
  zip_stat_t st;
  if (zip_stat(archive, name, 0, &st) != 0) return absl::NotFoundError(absl::StrCat("no part '", name, "'"));
  std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> file(zip_fopen(archive, name, 0), zip_fclose);
  if (!file) return absl::InvalidArgumentError(absl::StrCat("cannot open part '", name, "'"));
  std::string out(st.size, '\0');
  zip_int64_t n = zip_fread(file.get(), out.data(), st.size);
  if (n < 0 || static_cast<zip_uint64_t>(n) != st.size) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read part '", name, "'"));
  }
  return out;
}

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
  std::vector<CsvRow> rows;
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
    CsvRow row;
    row.line = static_cast<int>(s->rows.size()) + 1;
    for (int i = 0; attrs[i]; i += 2) {
      if (!std::strcmp(attrs[i], "r")) row.line = std::atoi(attrs[i + 1]);
    }
    s->rows.push_back(std::move(row));
  } else if (!std::strcmp(n, "c")) {
    s->cell_type.clear();
    s->value.clear();
    s->column = -1;
    for (int i = 0; attrs[i]; i += 2) {
      if (!std::strcmp(attrs[i], "t")) s->cell_type = attrs[i + 1];
      if (!std::strcmp(attrs[i], "r")) s->column = ColumnIndex(attrs[i + 1]);
    }
    if (s->column < 0 && !s->rows.empty()) s->column = static_cast<int>(s->rows.back().fields.size());
  } else if (!std::strcmp(n, "v")) {
    s->in_v = true;
  } else if (!std::strcmp(n, "t")) {
    s->in_t = true;
  }
}

void XMLCALL SheetEnd(void* data, const char* name) {
  auto* s = static_cast<Sheet*>(data);
  const char* n = LocalName(name);
  if (!std::strcmp(n, "v")) {
    s->in_v = false;
  } else if (!std::strcmp(n, "t")) {
    s->in_t = false;
  } else if (!std::strcmp(n, "c") && !s->rows.empty() && s->column >= 0) {
    std::string text = s->value;
    if (s->cell_type == "s") {
      size_t index = std::strtoul(s->value.c_str(), nullptr, 10);
      if (!s->shared || index >= s->shared->size()) {
        s->error = absl::StrCat("cell refers to shared string ", index, " which does not exist");
        return;
      }
      text = (*s->shared)[index];
    }
    auto& fields = s->rows.back().fields;
    if (static_cast<int>(fields.size()) <= s->column) fields.resize(s->column + 1);
    fields[s->column] = std::move(text);
  }
}

void XMLCALL SheetText(void* data, const char* text, int len) {
  auto* s = static_cast<Sheet*>(data);
  if (s->in_v || s->in_t) s->value.append(text, len);
}

absl::Status Parse(const std::string& xml, void* data, XML_StartElementHandler start, XML_EndElementHandler end,
                   XML_CharacterDataHandler chars, const char* part) {
  std::unique_ptr<XML_ParserStruct, void (*)(XML_Parser)> parser(XML_ParserCreate("UTF-8"), XML_ParserFree);
  XML_SetUserData(parser.get(), data);
  XML_SetElementHandler(parser.get(), start, end);
  XML_SetCharacterDataHandler(parser.get(), chars);
  if (XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_ERROR) {
    return absl::InvalidArgumentError(
        absl::StrCat("part '", part, "' is not valid XML: ", XML_ErrorString(XML_GetErrorCode(parser.get())),
                     " at line ", XML_GetCurrentLineNumber(parser.get())));
  }
  return absl::OkStatus();
}

}  // namespace

bool LooksLikeXlsx(const std::string& bytes) { return bytes.size() > 4 && bytes.compare(0, 4, "PK\x03\x04") == 0; }

absl::StatusOr<std::vector<CsvRow>> ReadXlsx(const std::string& bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!source) return absl::InvalidArgumentError("not a readable XLSX (zip) file");
  zip_t* raw = zip_open_from_source(source, ZIP_RDONLY, &error);
  if (!raw) {
    zip_source_free(source);
    return absl::InvalidArgumentError(absl::StrCat("not an XLSX (zip) file: ", zip_error_strerror(&error)));
  }
  std::unique_ptr<zip_t, void (*)(zip_t*)> archive(raw, zip_discard);

  SharedStrings shared;
  if (auto sst = ReadEntry(archive.get(), "xl/sharedStrings.xml"); sst.ok()) {
    if (auto parsed = Parse(*sst, &shared, SstStart, SstEnd, SstText, "xl/sharedStrings.xml"); !parsed.ok()) {
      return parsed;
    }
  }
  std::string sheet_name = "xl/worksheets/sheet1.xml";
  if (zip_name_locate(archive.get(), sheet_name.c_str(), 0) < 0) {
    sheet_name.clear();
    for (zip_int64_t i = 0; i < zip_get_num_entries(archive.get(), 0); ++i) {
      std::string name = zip_get_name(archive.get(), i, 0);
      if (name.rfind("xl/worksheets/", 0) == 0 && name.find('/', 14) == std::string::npos) {
        sheet_name = name;
        break;
      }
    }
    if (sheet_name.empty()) return absl::InvalidArgumentError("the workbook has no worksheet");
  }
  auto sheet_xml = ReadEntry(archive.get(), sheet_name.c_str());
  if (!sheet_xml.ok()) return sheet_xml.status();
  Sheet sheet;
  sheet.shared = &shared.strings;
  if (auto parsed = Parse(*sheet_xml, &sheet, SheetStart, SheetEnd, SheetText, sheet_name.c_str()); !parsed.ok()) {
    return parsed;
  }
  if (!sheet.error.empty()) return absl::InvalidArgumentError(sheet.error);
  std::vector<CsvRow> rows;
  for (auto& row : sheet.rows) {
    bool blank = true;
    for (const auto& f : row.fields) blank &= f.empty();
    if (!blank) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace zizhu::tools
