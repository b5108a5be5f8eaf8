#include "ir/rt_info_xml.h"

#include "core/error.h"

namespace openarc::ir {
namespace {

RtInfo read_entry(const pugi::xml_node& el, int depth) {
  check(depth <= kMaxRtInfoDepth, "rt_info is nested more than ", kMaxRtInfoDepth, " levels deep");
  RtInfo info;
  info.tag = el.name();
  for (const pugi::xml_attribute& a : el.attributes()) info.attrs.set(a.name(), a.value());
  for (const pugi::xml_node& child : el.children())
    if (child.type() == pugi::node_element) info.children.push_back(read_entry(child, depth + 1));
  return info;
}

void write_entry(pugi::xml_node parent, const RtInfo& info) {
  pugi::xml_node el = parent.append_child(info.tag.empty() ? "attribute" : info.tag.c_str());
  for (const auto& [k, v] : info.attrs.items()) el.append_attribute(k.c_str()).set_value(v.c_str());
  for (const RtInfo& child : info.children) write_entry(el, child);
}

}  // namespace

std::vector<RtInfo> read_rt_info(const pugi::xml_node& rt_info) {
  std::vector<RtInfo> out;
  for (const pugi::xml_node& child : rt_info.children())
    if (child.type() == pugi::node_element) out.push_back(read_entry(child, 1));
  return out;
}

void write_rt_info(pugi::xml_node parent, const std::vector<RtInfo>& entries) {
  if (entries.empty()) return;
  pugi::xml_node rt = parent.append_child("rt_info");
  for (const RtInfo& e : entries) write_entry(rt, e);
}

}  // namespace openarc::ir
