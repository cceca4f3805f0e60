/* 站内搜索: queries the site's own search index (search/, made by docgen) in the browser, no server.
   A page matches when it holds every pair of adjacent characters of the query (融资担保 → 融资, 资担,
   担保), so Chinese needs no word segmentation. Everything from the index is content, and content is
   untrusted: results and excerpts are built from text nodes only, never parsed as HTML. */
const FILTER_NAMES = ["年度", "资金使用方向", "类型"];
const SHARDS = 64;
const PAGE_SIZE = 20;
const EXCERPT_CHARS = 90;
const SITE_ROOT = new URL("../", import.meta.url);
const INDEX_ROOT = new URL("search/", SITE_ROOT);

const form = document.getElementById("search-form");
const input = document.getElementById("search-q");
const filterBox = document.getElementById("search-filters");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");

const loaded = new Map();
let pending = [];
let generation = 0;

function load(path) {
  /* A file of the index, fetched once. */
  if (!loaded.has(path)) {
    loaded.set(path, fetch(new URL(path, INDEX_ROOT)).then((response) => {
      if (!response.ok) { throw new Error(`${response.status} ${path}`); }
      return response.json();
    }));
  }
  return loaded.get(path);
}

const pagesIndex = () => load("pages.json").then((index) => index.pages);

function normalise(text) {
  return text.normalize("NFKC").toLowerCase();
}

function pairs(text) {
  const found = new Set();
  for (const run of normalise(text).match(/[\p{L}\p{N}_]+/gu) || []) {
    const chars = Array.from(run);
    for (let i = 0; i + 1 < chars.length; i += 1) { found.add(chars[i] + chars[i + 1]); }
  }
  return [...found];
}

function shardOf(pair) {
  /* The same rolling hash as docgen.render.site_search.shard_of. */
  let value = 0;
  for (const char of pair) { value = (value * 31 + char.codePointAt(0)) >>> 0; }
  return value % SHARDS;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined) { node.textContent = text; }
  return node;
}

function selectedFilters() {
  const filters = {};
  for (const box of filterBox.querySelectorAll("input[type=checkbox]:checked")) {
    (filters[box.name] = filters[box.name] || []).push(box.value);
  }
  return filters;
}

function matchesFilters(page, selected) {
  return Object.entries(selected).every(([name, values]) =>
    (page.filters[name] || []).some((value) => values.includes(value)));
}

function filterLabel(name, value) {
  return name === "年度" ? `${value}年` : value;
}

async function showFilters(initial) {
  const pages = await pagesIndex();
  filterBox.replaceChildren();
  FILTER_NAMES.forEach((name, group) => {
    const counts = new Map();
    for (const page of pages) {
      for (const value of page.filters[name] || []) { counts.set(value, (counts.get(value) || 0) + 1); }
    }
    if (counts.size === 0) { return; }
    const values = [...counts.keys()].sort((a, b) => (name === "年度" ? b.localeCompare(a) : a.localeCompare(b, "zh-CN")));
    const fieldset = element("fieldset", "search-filter");
    fieldset.append(element("legend", "", name));
    values.forEach((value, position) => {
      const box = element("input");
      Object.assign(box, { type: "checkbox", id: `filter-${group}-${position}`, name, value });
      box.checked = (initial[name] || []).includes(value);
      box.addEventListener("change", () => run());
      const label = element("label", "", `${filterLabel(name, value)}（${counts.get(value)}）`);
      label.htmlFor = box.id;
      const option = element("span", "search-filter-option");
      option.append(box, label);
      fieldset.append(option);
    });
    filterBox.append(fieldset);
  });
}

async function find(query, selected) {
  /* The matching pages, best first: [{page, score}]. */
  const pages = await pagesIndex();
  const wanted = pairs(query);
  let counts = null;
  if (wanted.length) {
    const shards = await Promise.all(wanted.map((pair) => load(`grams/${String(shardOf(pair)).padStart(2, "0")}.json`)));
    wanted.forEach((pair, i) => {
      const postings = shards[i][pair] || [];
      const here = new Map();
      for (let j = 0; j < postings.length; j += 2) { here.set(postings[j], postings[j + 1]); }
      counts = counts === null ? here
        : new Map([...counts].filter(([page]) => here.has(page)).map(([page, n]) => [page, Math.min(n, here.get(page))]));
    });
  } else {
    counts = new Map(pages.map((_, page) => [page, 0]));
  }
  const phrase = normalise(query);
  return [...counts]
    .filter(([page]) => matchesFilters(pages[page], selected))
    .map(([page, n]) => ({ page, score: n + (phrase && normalise(pages[page].title).includes(phrase) ? 1000 : 0) }))
    .sort((a, b) => b.score - a.score || a.page - b.page);
}

function excerpt(text, query) {
  /* A window of the page's text around the first match, the matches marked. */
  const lower = text.toLowerCase();
  const needle = query.toLowerCase();
  const at = needle ? lower.indexOf(needle) : -1;
  const start = Math.max(0, (at < 0 ? 0 : at) - Math.floor((EXCERPT_CHARS - needle.length) / 2));
  const end = Math.min(text.length, start + EXCERPT_CHARS);
  const nodes = [];
  if (start > 0) { nodes.push(document.createTextNode("…")); }
  let position = start;
  while (needle && position < end) {
    const next = lower.indexOf(needle, position);
    if (next < 0 || next >= end) { break; }
    nodes.push(document.createTextNode(text.slice(position, next)), element("mark", "", text.slice(next, next + needle.length)));
    position = next + needle.length;
  }
  nodes.push(document.createTextNode(text.slice(position, end).replace(/\n/g, " ")));
  if (end < text.length) { nodes.push(document.createTextNode("…")); }
  return nodes;
}

function recordPath(url) {
  return `pages/${url.replace(/\.html$/, "")}.json`;
}

async function resultItem(page, query) {
  const item = element("li", "search-result");
  const kicker = [];
  if (page.filters["年度"]) { kicker.push(page.filters["年度"].map((year) => `${year}年`).join("、")); }
  for (const name of ["类型", "资金使用方向"]) {
    if (page.filters[name]) { kicker.push(page.filters[name].join("、")); }
  }
  if (kicker.length) { item.append(element("p", "search-result-kicker", kicker.join(" · "))); }
  const title = element("h2", "search-result-title");
  const link = element("a", "", page.title);
  link.href = new URL(page.url, SITE_ROOT).href;
  title.append(link);
  item.append(title);
  const record = await load(recordPath(page.url));
  const summary = element("p", "search-result-excerpt");
  summary.append(...excerpt(record.text, query));
  item.append(summary);
  return item;
}

async function showMore(current, query) {
  const pages = await pagesIndex();
  const batch = pending.splice(0, PAGE_SIZE);
  const items = await Promise.all(batch.map((result) => resultItem(pages[result.page], query)));
  if (current !== generation) { return; }
  list.append(...items);
  more.hidden = pending.length === 0;
}

function remember(query, filters) {
  const params = new URLSearchParams();
  if (query) { params.set("q", query); }
  for (const [name, values] of Object.entries(filters)) { values.forEach((value) => params.append(name, value)); }
  const search = params.toString();
  window.history.replaceState(null, "", search ? `?${search}` : window.location.pathname);
}

async function run() {
  const current = ++generation;
  const query = input.value.trim();
  const selected = selectedFilters();
  remember(query, selected);
  list.replaceChildren();
  more.hidden = true;
  if (!query && Object.keys(selected).length === 0) {
    status.textContent = "";
    return;
  }
  if (query && pairs(query).length === 0) {
    status.textContent = "请输入至少两个字或字母、数字。";
    return;
  }
  status.textContent = "正在搜索……";
  const results = await find(query, selected);
  if (current !== generation) { return; }
  pending = results;
  const about = query ? `与“${query}”相关的` : "";
  status.textContent = results.length ? `找到${about}结果 ${results.length} 条。` : `没有找到${about}结果。`;
  await showMore(current, query);
}

async function start() {
  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  const initial = {};
  for (const name of FILTER_NAMES) { initial[name] = params.getAll(name); }
  try {
    await showFilters(initial);
  } catch (error) {
    status.textContent = "搜索索引未能加载。";
    return;
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  let timer = 0;
  input.addEventListener("input", () => { window.clearTimeout(timer); timer = window.setTimeout(run, 250); });
  more.addEventListener("click", () => showMore(generation, input.value.trim()));
  await run();
}

start();
