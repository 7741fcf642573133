// Renders /openapi.json as a plain reference: operations grouped by tag, then the schemas.
// Everything is built with DOM calls (no innerHTML), so no text from the document is ever parsed
// as markup.
"use strict";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : String(c));
  }
  return node;
}

function refName(ref) { return ref.split("/").pop(); }

function typeOf(schema) {
  if (!schema) return "";
  if (schema.$ref) return el("a", { href: "#schema-" + refName(schema.$ref) }, refName(schema.$ref));
  if (schema.oneOf || schema.anyOf) {
    const parts = (schema.oneOf || schema.anyOf).map(typeOf);
    const span = el("span");
    parts.forEach((p, i) => { if (i) span.append(" | "); span.append(p); });
    return span;
  }
  if (schema.type === "array" || (Array.isArray(schema.type) && schema.type.includes("array"))) {
    return el("span", {}, "[", typeOf(schema.items), "]");
  }
  let t = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type || "any");
  if (schema.enum) t += " (" + schema.enum.map((v) => JSON.stringify(v)).join(", ") + ")";
  if (schema.format) t += " <" + schema.format + ">";
  return t;
}

function schemaTable(schema) {
  const props = schema.properties || {};
  const required = new Set(schema.required || []);
  const rows = Object.entries(props).map(([name, s]) =>
    el("tr", {}, el("td", {}, el("code", {}, name), required.has(name) ? " *" : ""),
       el("td", {}, typeOf(s)), el("td", {}, s.description || "")));
  if (!rows.length) return el("p", {}, typeOf(schema));
  return el("table", {}, el("tr", {}, el("th", {}, "field"), el("th", {}, "type"), el("th", {}, "")), ...rows);
}

function operation(path, method, op) {
  const section = el("section", { class: "op", id: op.operationId || method + path });
  section.append(el("h3", {},
    el("span", { class: "method " + method }, method), el("code", {}, path), op.security ? " 🔒" : ""));
  if (op.description || op.summary) section.append(el("p", {}, op.summary || op.description));
  if (op.parameters && op.parameters.length) {
    section.append(el("h4", {}, "Parameters"));
    section.append(el("table", {}, ...op.parameters.map((p) =>
      el("tr", {}, el("td", {}, el("code", {}, p.name), p.required ? " *" : ""), el("td", {}, p.in),
         el("td", {}, typeOf(p.schema)), el("td", {}, p.description || "")))));
  }
  if (op.requestBody) {
    section.append(el("h4", {}, "Body"));
    for (const [ctype, media] of Object.entries(op.requestBody.content || {})) {
      section.append(el("p", {}, el("code", {}, ctype), " ", typeOf(media.schema)));
    }
  }
  section.append(el("h4", {}, "Responses"));
  section.append(el("table", {}, ...Object.entries(op.responses || {}).map(([code, r]) =>
    el("tr", {}, el("td", {}, code), el("td", {}, r.description || ""),
       el("td", {}, ...Object.entries(r.content || {}).map(([ctype, m]) =>
         el("div", {}, el("code", {}, ctype), " ", typeOf(m.schema))))))));
  return section;
}

async function main() {
  const main = document.getElementById("api");
  const toc = document.getElementById("toc");
  let doc;
  try {
    doc = await (await fetch("/openapi.json")).json();
  } catch (e) {
    main.replaceChildren(el("p", {}, "Could not load /openapi.json: " + e));
    return;
  }
  main.replaceChildren();
  document.title = doc.info.title + " " + doc.info.version + " — API reference";
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([path, method, op]);
    }
  }
  for (const [tag, ops] of byTag) {
    toc.append(el("a", { href: "#tag-" + tag }, tag));
    main.append(el("h2", { id: "tag-" + tag }, tag));
    for (const [path, method, op] of ops) main.append(operation(path, method, op));
  }
  toc.append(el("a", { href: "#schemas" }, "schemas"));
  main.append(el("h2", { id: "schemas" }, "Schemas"));
  for (const [name, schema] of Object.entries((doc.components || {}).schemas || {})) {
    main.append(el("section", { class: "op", id: "schema-" + name },
      el("h3", {}, name), schema.description ? el("p", {}, schema.description) : null, schemaTable(schema)));
  }
}

main();
