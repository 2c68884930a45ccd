// Part of report.html, kept as a raw string literal so the binary carries it (no file to find
// at run time). This file is the source: edit the text between the delimiters.

extension ReportPageAssets {
    /// The interactive view: vanilla JavaScript, no library, no network, no eval, no innerHTML.
    static let script = #"""
/* newspipe report.html: the interactive view.
 *
 * Vanilla JavaScript, no library, no network, no eval. Every piece of data reaches the page
 * through textContent, createTextNode or setAttribute on a fixed attribute name (never
 * innerHTML), and links only for http(s) URLs. Data (layout in ReportPageData.swift): the JSON
 * in #data, what the first table needs (with the most mentioned entities only); the other
 * entities (#data-entities), then the documents (#data-documents) and the groups and mention
 * columns (#data-mentions), read as soon as the parser has passed them; the sentence array
 * (#data-sentences), read after that.
 */
(function () {
  'use strict';

  // ------------------------------------------------------------------ timing hooks (for tests)
  var marks = {};
  function mark(name) {
    marks[name] = performance.now();
    try { performance.mark('report:' + name); } catch (e) { /* old browsers */ }
  }
  window.__report = { marks: marks };
  window.addEventListener('error', function (ev) { window.__report.error = String(ev.message); });
  mark('script-start');

  var NODAY = -2147483648;
  var DAY_MS = 86400000;
  var TONES = ['n', 'b', 'r'];
  var TONE_NAMES = ['neutral', 'bullish', 'bearish'];
  var PAGE = 50;
  var nf = new Intl.NumberFormat('en-US');
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

  // ------------------------------------------------------------------ DOM helpers
  /** Element with attributes and children; strings become text nodes (never parsed as HTML). */
  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') node.className = v;
        else if (k === 'text') node.textContent = v;
        else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), v);
        else if (k === 'href') { var u = safeUrl(v); if (u) node.setAttribute('href', u); }
        else node.setAttribute(k, v === true ? '' : String(v));
      }
    }
    append(node, children);
    return node;
  }
  function append(node, children) {
    if (children === null || children === undefined) return node;
    if (!Array.isArray(children)) children = [children];
    for (var i = 0; i < children.length; i++) {
      var c = children[i];
      if (c === null || c === undefined || c === false) continue;
      node.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    }
    return node;
  }
  var SVGNS = 'http://www.w3.org/2000/svg';
  function s(tag, attrs, children) {
    var node = document.createElementNS(SVGNS, tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, String(attrs[k]));
    append(node, children);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function byId(id) { return document.getElementById(id); }

  /** The URL if it is an absolute http(s) URL without spaces or control characters, else null. */
  function safeUrl(u) {
    if (typeof u !== 'string' || u.length > 8192) return null;
    if (!/^https?:\/\/[^\s\u0000-\u001f\u007f]+$/i.test(u)) return null;
    try {
      var p = new URL(u);
      return (p.protocol === 'http:' || p.protocol === 'https:') ? p.href : null;
    } catch (e) { return null; }
  }
  function fmt(n) { return nf.format(n); }
  function iso(day) { return day === NODAY || day === null || day === undefined ? '' : new Date(day * DAY_MS).toISOString().slice(0, 10); }
  function parseIso(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text || '');
    return m ? Math.floor(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY_MS) : null;
  }
  function signed(x, digits) {
    var t = Math.abs(x).toFixed(digits === undefined ? 2 : digits);
    if (Number(t) === 0) return t;
    return (x > 0 ? '+' : '\u2212') + t;
  }
  function balance(b, r, m) { return m > 0 ? (b - r) / m : 0; }
  function toneClass(x) { return x > 0.0005 ? 'pos' : x < -0.0005 ? 'neg' : 'zero'; }

  /** UTF-16 index of code point `cp` of `str` (the schema counts code points; JS strings count UTF-16 units). */
  function cpIndex(str, cp, from, fromCp) {
    var i = from || 0, c = fromCp || 0;
    while (i < str.length && c < cp) {
      var code = str.charCodeAt(i);
      i += (code >= 0xD800 && code <= 0xDBFF && i + 1 < str.length && (str.charCodeAt(i + 1) & 0xFC00) === 0xDC00) ? 2 : 1;
      c++;
    }
    return i;
  }
  var SURROGATE = /[\uD800-\uDFFF]/;
  /** The sentence as text nodes with each [start, start+length) code-point span in a <mark>. */
  function highlighted(sentence, spans) {
    var frag = document.createDocumentFragment();
    spans = spans.slice().sort(function (a, b) { return a[0] - b[0]; });
    var astral = SURROGATE.test(sentence);
    var pos = 0, posCp = 0;
    for (var k = 0; k < spans.length; k++) {
      var startCp = Math.max(spans[k][0], posCp), endCp = spans[k][0] + spans[k][1];
      if (endCp <= startCp) continue;
      var a = astral ? cpIndex(sentence, startCp, pos, posCp) : Math.min(startCp, sentence.length);
      var b = astral ? cpIndex(sentence, endCp, a, startCp) : Math.min(endCp, sentence.length);
      if (a > pos) frag.appendChild(document.createTextNode(sentence.slice(pos, a)));
      if (b > a) frag.appendChild(h('mark', null, sentence.slice(a, b)));
      pos = b; posCp = endCp;
    }
    if (pos < sentence.length) frag.appendChild(document.createTextNode(sentence.slice(pos)));
    return frag;
  }

  // ------------------------------------------------------------------ data
  var raw = JSON.parse(byId('data').textContent);
  byId('data').textContent = '';
  if (!raw || raw.format !== 'newspipe-report-data/4') throw new Error('unknown data format ' + (raw && raw.format));
  mark('data-parsed');

  /** Int32Array of a column; `nullable` columns (days) map null to NODAY, others are copied as they are. */
  function ints(a, nullable) {
    if (!a) return new Int32Array(0);
    if (!nullable) return new Int32Array(a);
    var out = new Int32Array(a.length);
    for (var i = 0; i < a.length; i++) { var x = a[i]; out[i] = x === null || x === undefined ? NODAY : x; }
    return out;
  }
  var dict = raw.dict || {};
  var sites = dict.sites || [], languages = dict.languages || [], bylines = dict.bylines || [];
  var types = dict.types || ['PER', 'ORG', 'LOC', 'MISC', 'TICKER'];
  // Sort ranks of the text columns (ReportTextOrder in the report stage): null, no value, is NODAY.
  var siteRank = ints(dict.sites_rank, true), bylineRank = ints(dict.bylines_rank, true);
  // The documents arrive from #data-documents after the first table (documentsArrived below).
  var Dj = { id: [], title: [], url: [] }, nDocs = 0, docSentFirst = new Int32Array(1);
  var docDay = new Int32Array(0), docTitleRank = docDay, docSite = docDay, docByline = docDay, docLang = docDay, docWords = docDay, docEnts = docDay, docCarriers = docDay, docMirrors = docDay;
  function documentsArrived(D) {
    if (!D || !Array.isArray(D.title)) throw new Error('the document block holds no documents');
    Dj = D; nDocs = D.title.length;
    docDay = ints(D.day, true); docTitleRank = ints(D.title_rank, true); docSite = ints(D.site); docByline = ints(D.byline); docLang = ints(D.language);
    docWords = ints(D.words); docEnts = ints(D.entities); docCarriers = ints(D.carriers); docMirrors = ints(D.mirrors);
    docSentFirst = new Int32Array(nDocs + 1);
    var c = D.sentences || [];
    for (var i = 0; i < nDocs; i++) docSentFirst[i + 1] = docSentFirst[i] + (c[i] || 0);
  }
  // Entities: #data holds the most mentioned (nEnt of them at first); the others (to nEntAll)
  // arrive from #data-entities after the first table (entitiesArrived below). The columns are
  // allocated for all of them; until they are all read, what lists entities says so and is drawn
  // again when they arrive (entitiesReady, afterEntities).
  var Ej = raw.entities, nEnt = Ej.id.length;
  var nEntAll = typeof (raw.run || {}).entities === 'number' ? Math.max(raw.run.entities, nEnt) : nEnt;
  Ej.id = Ej.id.slice(); Ej.name = Ej.name.slice();
  function entColumn(a, nullable) { var out = new Int32Array(nEntAll); out.set(ints(a, nullable).subarray(0, nEnt)); return out; }
  var entNameRank = entColumn(Ej.name_rank, true), entType = entColumn(Ej.type), entTicker = entColumn(Ej.ticker), entM = entColumn(Ej.mentions), entD = entColumn(Ej.documents), entS = entColumn(Ej.sites);
  var entB = entColumn(Ej.bullish), entR = entColumn(Ej.bearish), entN = entColumn(Ej.neutral), entFirst = entColumn(Ej.first_day, true), entLast = entColumn(Ej.last_day, true);
  var entitiesReady = nEnt === nEntAll, entityError = null, entityWaiters = [];
  var Tj = raw.tickers, nTick = Tj.symbol.length;
  var tickSymRank = ints(Tj.symbol_rank, true), tickCoRank = ints(Tj.company_rank, true), tickEnt = ints(Tj.entity), tickM = ints(Tj.mentions), tickD = ints(Tj.documents), tickS = ints(Tj.sites);
  var tickB = ints(Tj.bullish), tickR = ints(Tj.bearish), tickN = ints(Tj.neutral), tickFirst = ints(Tj.first_day, true), tickLast = ints(Tj.last_day, true);
  // Ticker: the name the stories used most, for "name then [name today]".
  var storyNames = dict.names || [];
  var tickStoryName = (Tj.story_name || []).map(function (n) { return n >= 0 && n < storyNames.length ? storyNames[n] : null; });
  // Groups (runs of mentions of one entity, ticker and story name) arrive with the mentions, from
  // #data-mentions (laterArrived below); until then every group list is empty.
  var nGroups = 0, gEnt = new Int32Array(0), gTick = gEnt, gName = gEnt, gFirst = new Int32Array(1);
  var nMent = typeof (raw.run || {}).mentions_embedded === 'number' ? raw.run.mentions_embedded : 0;
  var nGroupsGiven = typeof (raw.run || {}).groups === 'number' ? raw.run.groups : 0;
  // The mention columns arrive from #data-mentions after the first table (readMentions below).
  var mDoc = new Int32Array(0), mSent = mDoc, mStart = mDoc, mLen = mDoc, mEvid = mDoc, mTone = new Uint8Array(0);
  var evidenceNames = dict.evidence || [];
  // Groups of each entity (groups are sorted by entity) and of each ticker (counting sort).
  var entGroupStart = new Int32Array(nEntAll + 1), tickGroupStart = new Int32Array(nTick + 1), tickGroups = new Int32Array(0);
  function groupsArrived() {
    entGroupStart = new Int32Array(nEntAll + 1);
    for (var g = 0; g < nGroups; g++) if (gEnt[g] >= 0 && gEnt[g] < nEntAll) entGroupStart[gEnt[g] + 1]++;
    for (var e = 0; e < nEntAll; e++) entGroupStart[e + 1] += entGroupStart[e];
    tickGroupStart = new Int32Array(nTick + 1);
    for (g = 0; g < nGroups; g++) if (gTick[g] >= 0 && gTick[g] < nTick) tickGroupStart[gTick[g] + 1]++;
    for (var t = 0; t < nTick; t++) tickGroupStart[t + 1] += tickGroupStart[t];
    tickGroups = new Int32Array(tickGroupStart[nTick]);
    var fill = tickGroupStart.slice(0, nTick);
    for (g = 0; g < nGroups; g++) if (gTick[g] >= 0 && gTick[g] < nTick) tickGroups[fill[gTick[g]]++] = g;
  }
  var entIndex = new Map(), tickIndex = new Map();
  for (var i0 = 0; i0 < nEnt; i0++) entIndex.set(Ej.id[i0], i0);
  // The entity block's rows are found by a scan, not put in the map: 478,000 ids took 0.7 s to
  // add to it at load 13 (the scan is a few milliseconds, and it is done once a panel or link).
  var nEntFirst = nEnt, entFound = { id: null, e: -1 };
  /** The row of the entity with this id (undefined when there is none, or not yet read). */
  function entityIndex(id) {
    var e = entIndex.get(id);
    if (e !== undefined) return e;
    if (entFound.id === id) return entFound.e;
    e = Ej.id.indexOf(id, nEntFirst);
    if (e < 0) return undefined;
    entFound = { id: id, e: e };
    return e;
  }
  /** An entity's name ('?' for one whose row was not read). */
  function entName(e) { var x = Ej.name[e]; return x === undefined || x === null ? '?' : String(x); }
  for (i0 = 0; i0 < nTick; i0++) tickIndex.set(Tj.symbol[i0], i0);
  mark('data-ready');

  // Documents and mentions: the blocks after the entity block (#data-documents: the documents'
  // JSON; #data-mentions: four little-endian Int32 columns of groups, entity, ticker, name,
  // first, then five of mentions, doc, sentence, start, length, evidence, then a tone byte each;
  // both gzip then Base64), read as soon as the parser has passed them and the entities are read,
  // so the first table need not wait for them. Until they are read, what needs them (the
  // timelines, the panel, the documents table and search) says so and is drawn when they arrive.
  var laterReady = false, laterError = null, laterWaiters = [], laterLoad = false, laterWatch = null;
  function laterArrived(documents, buffer, error) {
    if (!error) {
      try { documentsArrived(documents); } catch (e) { error = String(e && e.message || e); }
    }
    if (!error) {
      var n = nMent, G = nGroupsGiven;
      if (buffer.byteLength !== 16 * G + 21 * n) error = 'the mention block holds ' + buffer.byteLength + ' bytes, not ' + (16 * G + 21 * n);
      else {
        var little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
        var column = function (at, count) {
          if (little) return new Int32Array(buffer, at, count);
          var view = new DataView(buffer), out = new Int32Array(count);
          for (var i = 0; i < count; i++) out[i] = view.getInt32(at + 4 * i, true);
          return out;
        };
        gEnt = column(0, G); gTick = column(4 * G, G); gName = column(8 * G, G);
        gFirst = new Int32Array(G + 1); gFirst.set(column(12 * G, G)); gFirst[G] = n; nGroups = G;
        var at = 16 * G;
        mDoc = column(at, n); mSent = column(at + 4 * n, n); mStart = column(at + 8 * n, n); mLen = column(at + 12 * n, n); mEvid = column(at + 16 * n, n);
        mTone = new Uint8Array(buffer, at + 20 * n, n);
      }
    }
    if (error) {
      // Without the mentions every group is empty: the tables' counts stay, lists say why.
      laterError = error; nMent = 0; nGroups = 0; gFirst = new Int32Array(1);
    }
    groupsArrived();
    laterReady = true;
    mark('mentions-ready');
    var waiters = laterWaiters;
    laterWaiters = [];
    waiters.forEach(function (fn) { try { fn(); } catch (e) { window.__report.error = String(e && e.stack || e); } });
  }
  /**
   * Lets the browser handle input, paint and its other tasks between pieces of long work: the
   * rest runs as a message task, behind what is queued. (scheduler.yield() resumes ahead of
   * other tasks: reading the 478,000-entity block that way left the page unanswering for 2-4 s
   * at a time; setTimeout waits at least 4 ms each time, and the block took twice as long.)
   */
  var yieldChannel = typeof MessageChannel === 'function' ? new MessageChannel() : null, yieldWaiters = [];
  if (yieldChannel) yieldChannel.port1.onmessage = function () { var fn = yieldWaiters.shift(); if (fn) fn(); };
  function yieldNow() {
    if (!yieldChannel) return new Promise(function (resolve) { setTimeout(resolve, 0); });
    return new Promise(function (resolve) { yieldWaiters.push(resolve); yieldChannel.port2.postMessage(null); });
  }
  var BASE64_SLICE = 1 << 17;  // characters (a multiple of 4): 96 KB of gzip
  /**
   * Inflates the gzip bytes Base64 `text` holds, handing each piece of output to `onChunk`; a
   * promise. The input is decoded and inflated in slices and the work yields every few
   * milliseconds, so no task holds the page for long however large the block (inflated in one
   * piece, the 25 MB of sentences held it for 1.8 s at 50,000 documents).
   */
  function inflate(text, onChunk) {
    if (typeof DecompressionStream !== 'function' || typeof ReadableStream !== 'function')
      return Promise.reject(new Error('this browser cannot decompress it (it lacks DecompressionStream); open the page in a current Chromium, Firefox or Safari'));
    var offset = 0;
    var source = new ReadableStream({ pull: function (controller) {
      if (offset >= text.length) { controller.close(); return; }
      controller.enqueue(base64Bytes(text.slice(offset, offset + BASE64_SLICE)));
      offset += BASE64_SLICE;
    } }, { highWaterMark: 0 });
    var reader = source.pipeThrough(new DecompressionStream('gzip')).getReader();
    return new Promise(function (resolve, reject) {
      var started = performance.now();
      function step() {
        reader.read().then(function (x) {
          if (x.done) { resolve(); return; }
          try { onChunk(x.value); } catch (e) { reject(e); return; }
          if (performance.now() - started < 8) { step(); return; }
          yieldNow().then(function () { started = performance.now(); step(); });
        }, reject);
      }
      step();
    });
  }
  /** The bytes of a gzip+base64 block, inflated (a promise of an ArrayBuffer). */
  function inflateBlock(node) {
    var text = (node.textContent || '').trim(), encoding = node.getAttribute('data-encoding');
    node.textContent = '';
    if (encoding !== 'gzip+base64') return Promise.reject(new Error('unknown encoding ' + encoding));
    var chunks = [], total = 0;
    return inflate(text, function (c) { chunks.push(c); total += c.length; }).then(function () {
      var out = new Uint8Array(total), at = 0;
      for (var k = 0; k < chunks.length; k++) { out.set(chunks[k], at); at += chunks[k].length; }
      return out.buffer;
    });
  }
  function readLater() {
    if (laterLoad) return;
    var docs = byId('data-documents'), ments = byId('data-mentions');
    // Still inside the blocks while nothing follows the mention block and the page is loading.
    if (document.readyState === 'loading' && (!ments || !ments.nextSibling)) return;
    laterLoad = true;
    if (laterWatch) { laterWatch.disconnect(); laterWatch = null; }
    if (!docs || !ments) { afterEntities(function () { laterArrived(null, null, 'the page lacks its document or mention block'); }); return; }
    // The entities first (search and the entity table wait for them), then these.
    afterEntities(function () {
      mark('mentions-start');
      Promise.all([inflateBlock(docs), nMent ? inflateBlock(ments) : (ments.textContent = '', Promise.resolve(new ArrayBuffer(0)))]).then(function (parts) {
        var documents;
        try { documents = JSON.parse(new TextDecoder().decode(parts[0])); } catch (e) { laterArrived(null, null, 'the document block is not valid JSON'); return; }
        laterArrived(documents, parts[1]);
      }, function (e) { laterArrived(null, null, 'the documents and mentions could not be read (' + (e && e.message || e) + ')'); });
    });
  }
  /** Reads the entities, then the documents and mentions, once the parser has passed their blocks (watched from here on). */
  function watchLater() {
    var soon = function () { setTimeout(readEntities, 0); setTimeout(readLater, 0); };
    if (document.readyState !== 'loading') { soon(); return; }
    if (typeof MutationObserver === 'function') {
      laterWatch = new MutationObserver(function () {
        var node = byId('data-entities');
        if (node && node.nextSibling && !entityLoad) setTimeout(readEntities, 0);
        node = byId('data-mentions');
        if (node && node.nextSibling && !laterLoad && laterWatch) { laterWatch.disconnect(); laterWatch = null; setTimeout(readLater, 0); }
      });
      laterWatch.observe(document.body, { childList: true });
    }
    document.addEventListener('DOMContentLoaded', soon, { once: true });
  }

  // The entities after the most mentioned: #data-entities (gzip then Base64), JSON lines, each an
  // object of the entity columns for the next rows (ReportPageData.entitiesPerLine), parsed a
  // line at a time between other work.
  var entityLoad = false;
  function readEntities() {
    if (entityLoad) return;
    var node = byId('data-entities');
    if (document.readyState === 'loading' && (!node || !node.nextSibling)) return;
    entityLoad = true;
    if (entitiesReady) { if (node) node.textContent = ''; entitiesArrived(); return; }
    if (!node) { entitiesArrived('the page lacks its entity block'); return; }
    mark('entities-start');
    var text = (node.textContent || '').trim(), encoding = node.getAttribute('data-encoding');
    node.textContent = '';
    if (encoding !== 'gzip+base64') { entitiesArrived('unknown encoding ' + encoding); return; }
    readLines(text, addEntities).then(function () {
      entitiesArrived(nEnt === nEntAll ? null : 'the entity block holds ' + fmt(nEnt) + ' of ' + fmt(nEntAll) + ' entities');
    }, function (e) { entitiesArrived('the entities could not be read (' + (e && e.message || e) + ')'); });
  }
  /** Appends one line of the entity block (an object of columns) to the entity table. */
  function addEntities(line) {
    var E = JSON.parse(line), count = E && Array.isArray(E.id) ? E.id.length : 0;
    if (!count || nEnt + count > nEntAll) throw new Error('the entity block holds more entities than the page says');
    var at = nEnt;
    for (var i = 0; i < count; i++) { Ej.id.push(E.id[i]); Ej.name.push(E.name[i]); }
    entNameRank.set(ints(E.name_rank, true), at); entType.set(ints(E.type), at); entTicker.set(ints(E.ticker), at); entM.set(ints(E.mentions), at); entD.set(ints(E.documents), at);
    entS.set(ints(E.sites), at); entB.set(ints(E.bullish), at); entR.set(ints(E.bearish), at); entN.set(ints(E.neutral), at);
    entFirst.set(ints(E.first_day, true), at); entLast.set(ints(E.last_day, true), at);
    nEnt += count;
    delete keys.ent; delete rankCache.entTick;
  }
  function entitiesArrived(error) {
    entityError = error || null;
    entitiesReady = true;
    // Search keys and sort keys over the entities were built for the first rows only.
    delete keys.ent; delete rankCache.entTick;
    mark('entities-ready');
    var waiters = entityWaiters;
    entityWaiters = [];
    waiters.forEach(function (fn) { try { fn(); } catch (e) { window.__report.error = String(e && e.stack || e); } });
  }
  /** Runs `fn` once every entity is read (at once when they are); each function waits once. */
  function afterEntities(fn) {
    if (entitiesReady && entityLoad) { fn(); return; }
    if (entityWaiters.indexOf(fn) < 0) entityWaiters.push(fn);
  }
  /** Runs `fn` once the documents and mentions are read (at once when they are); each function waits once. */
  function afterLater(fn) {
    if (laterReady) { fn(); return; }
    if (laterWaiters.indexOf(fn) < 0) laterWaiters.push(fn);
  }

  // Sentences: the block after this script (the largest part of the page), read once the parser
  // has passed it (DOMContentLoaded) so the tables need not wait for it. It is gzip-compressed
  // and Base64-encoded (data-encoding="gzip+base64"), or plain JSON; until it is read, mention
  // lists say the sentences are loading and are drawn again when they arrive.
  var sentences = null, sentenceError = null, sentenceWaiters = [], sentenceLoad = null;
  function getSentences() { return sentences; }
  function base64Bytes(text) {
    if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(text);
    var bin = atob(text), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  /**
   * Inflates and parses the sentence block a line at a time (the block breaks its one JSON array
   * into lines of ReportPageData.sentencesPerLine strings), yielding between pieces: a promise
   * of the array.
   */
  function readSentenceLines(text) {
    var list = [], first = true;
    function take(text, last) {
      var t = text;
      if (first) { t = t.replace(/^\s*\[/, ''); first = false; }
      if (last) t = t.replace(/\]\s*$/, '');
      t = t.replace(/,\s*$/, '');
      if (!/\S/.test(t)) return;
      var part = JSON.parse('[' + t + ']');
      for (var i = 0; i < part.length; i++) list.push(part[i]);
    }
    return readLines(text, take).then(function () { mark('sentences-inflated'); return list; });
  }
  /** Inflates a gzip+base64 block of text lines, handing each line to `take(line, last)` (a promise). */
  function readLines(text, take) {
    var decoder = new TextDecoder(), rest = '';
    return inflate(text, function (chunk) {
      var piece = rest + decoder.decode(chunk, { stream: true }), cut = piece.lastIndexOf('\n');
      if (cut < 0) { rest = piece; return; }
      var lines = piece.slice(0, cut).split('\n');
      rest = piece.slice(cut + 1);
      for (var k = 0; k < lines.length; k++) take(lines[k], false);
    }).then(function () {
      var t = rest + decoder.decode();
      if (/\S/.test(t)) take(t, true);
    });
  }
  function sentencesArrived(list, error) {
    sentences = Array.isArray(list) ? list : [];
    sentenceError = error || null;
    mark('sentences-parsed');
    var waiters = sentenceWaiters;
    sentenceWaiters = [];
    waiters.forEach(function (fn) { try { fn(); } catch (e) { window.__report.error = String(e && e.stack || e); } });
  }
  function loadSentences() {
    if (sentenceLoad || sentences !== null) return;
    if (document.readyState === 'loading') return;
    var node = byId('data-sentences');
    if (!node) { sentenceLoad = true; sentencesArrived([]); return; }
    var text = node.textContent || '', encoding = node.getAttribute('data-encoding') || 'json';
    node.textContent = '';
    mark('sentences-start');
    if (encoding === 'json') {
      sentenceLoad = true;
      try { sentencesArrived(JSON.parse(text || '[]')); } catch (e) { sentencesArrived([], 'the sentence block is not valid JSON'); }
      return;
    }
    if (encoding !== 'gzip+base64' || typeof DecompressionStream !== 'function') {
      sentenceLoad = true;
      sentencesArrived([], 'this browser cannot decompress the sentences (it lacks DecompressionStream); open the page in a current Chromium, Firefox or Safari, or read the sentences in mentions.jsonl');
      return;
    }
    sentenceLoad = readSentenceLines(text.trim()).then(function (list) { sentencesArrived(list); })
      .catch(function (e) { sentencesArrived([], 'the sentences could not be read (' + (e && e.message || e) + ')'); });
  }
  /** Calls `fn` once the sentences are there (at once when they are). */
  function whenSentences(fn) {
    if (sentences !== null) { fn(); return; }
    sentenceWaiters.push(fn);
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', loadSentences, { once: true });
    else loadSentences();
  }
  var waiting = false;
  /** Redraws the panel once the sentences have been read. */
  function waitForSentences() {
    if (waiting) return;
    waiting = true;
    whenSentences(function () {
      waiting = false;
      var inPanel = detail.contains(document.activeElement);
      renderDetail(inPanel);
    });
  }
  // Mention -> group, and document -> mentions, built on first need.
  var mGroup = null, docMentStart = null, docMentList = null;
  function mentionGroups() {
    if (!mGroup) {
      mGroup = new Int32Array(nMent);
      for (var g = 0; g < nGroups; g++) mGroup.fill(g, gFirst[g], gFirst[g + 1]);
    }
    return mGroup;
  }
  function docMentions(d) {
    if (!docMentStart) {
      docMentStart = new Int32Array(nDocs + 1);
      for (var m = 0; m < nMent; m++) if (mDoc[m] >= 0 && mDoc[m] < nDocs) docMentStart[mDoc[m] + 1]++;
      for (var k = 0; k < nDocs; k++) docMentStart[k + 1] += docMentStart[k];
      docMentList = new Int32Array(docMentStart[nDocs]);
      var fill = docMentStart.slice(0, nDocs);
      for (m = 0; m < nMent; m++) if (mDoc[m] >= 0 && mDoc[m] < nDocs) docMentList[fill[mDoc[m]]++] = m;
    }
    return docMentList.subarray(docMentStart[d], docMentStart[d + 1]);
  }
  /** Mention indexes of an entity (kind 'e') or ticker ('t'), newest document first. */
  function mentionsOf(kind, idx) {
    var ranges = [];
    if (kind === 'e') for (var g = entGroupStart[idx]; g < entGroupStart[idx + 1]; g++) ranges.push(g);
    else for (var k = tickGroupStart[idx]; k < tickGroupStart[idx + 1]; k++) ranges.push(tickGroups[k]);
    var total = 0;
    for (k = 0; k < ranges.length; k++) total += gFirst[ranges[k] + 1] - gFirst[ranges[k]];
    var out = new Int32Array(total), p = 0;
    for (k = 0; k < ranges.length; k++) for (var m = gFirst[ranges[k]]; m < gFirst[ranges[k] + 1]; m++) out[p++] = m;
    // Newest first, undated documents last.
    out.sort(function (a, b) {
      return ((docDay[mDoc[a]] === NODAY) - (docDay[mDoc[b]] === NODAY)) || (mDoc[b] - mDoc[a]) || (mSent[a] - mSent[b]) || (mStart[a] - mStart[b]);
    });
    return out;
  }

  // Lower-cased search keys, built on first search.
  var keys = {};
  function lowerKeys(name) {
    if (keys[name]) return keys[name];
    var out;
    if (name === 'ent') out = Ej.name.map(function (x) { return String(x || '').toLowerCase(); });
    else if (name === 'tick') out = Tj.symbol.map(function (x, t) { return (String(x) + '\u0001' + (Tj.company[t] || '') + '\u0001' + (tickStoryName[t] || '')).toLowerCase(); });
    else if (name === 'doc') {
      var siteLc = sites.map(function (x) { return String(x || '').toLowerCase(); });
      var bylineLc = bylines.map(function (x) { return String(x || '').toLowerCase(); });
      out = new Array(nDocs);
      for (var d = 0; d < nDocs; d++) out[d] = String(Dj.title[d] || '').toLowerCase() + '\u0001' + (siteLc[docSite[d]] || '') + '\u0001' + (bylineLc[docByline[d]] || '');
    }
    keys[name] = out;
    return out;
  }
  /** Comparable names: "Apple Inc." = "Apple"; "Alphabet Inc. (Class A)" = "Alphabet". */
  function normName(x) {
    return String(x || '').toLowerCase().replace(/\(.*?\)/g, ' ').replace(/[.,'’&]/g, ' ')
      .replace(/\b(inc|incorporated|corp|corporation|co|company|ltd|limited|plc|group|holdings|sa|ag|nv|the|class [a-z])\b/g, ' ')
      .replace(/\s+/g, ' ').trim();
  }
  function sameName(a, b) { var x = normName(a), y = normName(b); return x === y || (x && y && (x.indexOf(y) === 0 || y.indexOf(x) === 0)); }
  function nameThenNow(then, now) {
    if (!then) return now || '';
    if (!now || sameName(then, now)) return then;
    return then + ' [' + now + ']';
  }

  // ------------------------------------------------------------------ URL state (hash)
  var state = { tab: 'tickers', tq: '', eq: '', dq: '', ts: '-mentions', es: '-mentions', ds: '-date', type: '', lang: '',
    from: '', to: '', with: '', entity: '', ticker: '', doc: '', page: '1', tone: '', range: '', bucket: 'auto', mq: '' };
  var defaults = Object.assign({}, state);
  function readHash() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ''));
    var next = Object.assign({}, defaults);
    p.forEach(function (v, k) { if (Object.prototype.hasOwnProperty.call(defaults, k)) next[k] = v.slice(0, 500); });
    return next;
  }
  function hashOf(st) {
    var p = new URLSearchParams();
    for (var k in st) if (st[k] !== defaults[k] && st[k] !== undefined) p.set(k, st[k]);
    var t = p.toString();
    return t ? '#' + t : '#';
  }
  var writtenHash = null;
  /** Pushes (a new history entry: panels) or replaces (typing, sorting) the hash. */
  function commit(push) {
    var target = hashOf(state);
    if (target === (location.hash || '#')) return;
    writtenHash = target;
    if (push) location.hash = target;
    else location.replace(target);
  }

  // ------------------------------------------------------------------ virtualised table
  /**
   * A <table> whose body holds only the rows in view (plus some overscan) between two spacer
   * rows; rows are keyed by position so a focused row survives scrolling. Columns:
   * {key, label, num, width, cls, sort: 'num'|'str', value(i), cell(i, td)}.
   */
  function VTable(opts) {
    var self = this;
    this.opts = opts;
    this.order = new Int32Array(0);
    this.rowH = 34;
    this.rows = new Map();
    this.scroll = h('div', { class: 'vt-scroll', tabindex: '0', role: 'region', 'aria-label': opts.label + ' (scrollable)' });
    this.table = h('table', { class: 'vt', 'aria-rowcount': '1' }, h('caption', { class: 'visually-hidden' }, opts.label));
    var colgroup = h('colgroup');
    var tr = h('tr', { 'aria-rowindex': '1' });
    this.ths = {};
    opts.columns.forEach(function (c) {
      colgroup.appendChild(h('col', { style: null }));
      colgroup.lastChild.style.width = c.width;
      var th = h('th', { scope: 'col', class: c.num ? 'num' : null, 'aria-sort': 'none' });
      if (c.sort) {
        th.appendChild(h('button', { type: 'button', class: 'sortbtn', 'data-key': c.key,
          onclick: function () { opts.onSort(c.key); } }, [c.label, h('span', { class: 'arrow', 'aria-hidden': 'true' })]));
      } else th.appendChild(h('span', { class: 'sortbtn' }, c.label));
      if (c.title) th.title = c.title;
      self.ths[c.key] = th;
      tr.appendChild(th);
    });
    this.table.appendChild(colgroup);
    this.table.appendChild(h('thead', null, tr));
    this.tbody = h('tbody');
    this.top = h('tr', { class: 'spacer', 'aria-hidden': 'true' }, h('td', { colspan: opts.columns.length }));
    this.bottom = h('tr', { class: 'spacer', 'aria-hidden': 'true' }, h('td', { colspan: opts.columns.length }));
    this.tbody.appendChild(this.top);
    this.tbody.appendChild(this.bottom);
    this.table.appendChild(this.tbody);
    this.scroll.appendChild(this.table);
    var pending = false;
    this.scroll.addEventListener('scroll', function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; self.render(); });
    });
    this.tbody.addEventListener('keydown', function (ev) { self.key(ev); });
  }
  VTable.prototype.setSort = function (key, dir) {
    for (var k in this.ths) {
      var th = this.ths[k];
      th.setAttribute('aria-sort', k === key ? (dir < 0 ? 'descending' : 'ascending') : 'none');
      var arrow = th.querySelector('.arrow');
      if (arrow) arrow.textContent = k === key ? (dir < 0 ? '\u25BC' : '\u25B2') : '';
    }
  };
  VTable.prototype.setRows = function (order, keepScroll) {
    this.order = order;
    this.table.setAttribute('aria-rowcount', String(order.length + 1));
    this.rows.forEach(function (tr) { tr.remove(); });
    this.rows.clear();
    if (!keepScroll) this.scroll.scrollTop = 0;
    this.render();
  };
  VTable.prototype.render = function () {
    var n = this.order.length, rowH = this.rowH;
    var viewH = this.scroll.clientHeight || 600;
    var top = this.scroll.scrollTop;
    var first = Math.max(0, Math.floor(top / rowH) - 10);
    var last = Math.min(n, Math.ceil((top + viewH) / rowH) + 10);
    var self = this;
    this.rows.forEach(function (tr, pos) { if (pos < first || pos >= last) { tr.remove(); self.rows.delete(pos); } });
    var before = this.bottom;
    for (var pos = last - 1; pos >= first; pos--) {
      var tr = this.rows.get(pos);
      if (!tr) { tr = this.makeRow(pos); this.rows.set(pos, tr); }
      if (tr.nextSibling !== before) this.tbody.insertBefore(tr, before);
      before = tr;
    }
    this.top.firstChild.style.height = (first * rowH) + 'px';
    this.bottom.firstChild.style.height = ((n - last) * rowH) + 'px';
    this.top.hidden = first === 0;
    this.bottom.hidden = last >= n;
    if (!this.measured && this.rows.size) {
      var real = this.rows.values().next().value.getBoundingClientRect().height;
      this.measured = true;
      if (real > 0 && Math.abs(real - rowH) > 0.5) { this.rowH = real; this.render(); }
    }
  };
  VTable.prototype.makeRow = function (pos) {
    var i = this.order[pos];
    var tr = h('tr', { 'aria-rowindex': String(pos + 2), 'data-pos': String(pos) });
    if (this.opts.current && this.opts.current() === i) tr.className = 'current';
    this.opts.columns.forEach(function (c) {
      var td = h('td', { class: (c.num ? 'num ' : '') + (c.cls || '') });
      var content = c.cell(i, td);
      if (content !== undefined && content !== null) append(td, content);
      if (!td.title && c.tip) td.title = td.textContent;
      tr.appendChild(td);
    });
    return tr;
  };
  VTable.prototype.focusRow = function (pos) {
    var n = this.order.length;
    if (!n) return;
    pos = Math.max(0, Math.min(n - 1, pos));
    var top = pos * this.rowH, view = this.scroll.clientHeight - this.rowH * 1.5;
    if (top < this.scroll.scrollTop) this.scroll.scrollTop = top;
    else if (top > this.scroll.scrollTop + view) this.scroll.scrollTop = top - view;
    this.render();
    var tr = this.rows.get(pos);
    var target = tr && (tr.querySelector('button, a') || tr);
    if (target) target.focus({ preventScroll: false });
  };
  VTable.prototype.key = function (ev) {
    var tr = ev.target.closest ? ev.target.closest('tr[data-pos]') : null;
    if (!tr) return;
    var pos = Number(tr.getAttribute('data-pos')), page = Math.max(1, Math.floor(this.scroll.clientHeight / this.rowH) - 1);
    var next = { ArrowDown: pos + 1, ArrowUp: pos - 1, PageDown: pos + page, PageUp: pos - page }[ev.key];
    if (ev.key === 'Home' && ev.ctrlKey) next = 0;
    if (ev.key === 'End' && ev.ctrlKey) next = this.order.length - 1;
    if (next === undefined) return;
    ev.preventDefault();
    this.focusRow(next);
  };
  /** Marks the row of the subject shown in the panel, keeping the rows (and focus) in place. */
  VTable.prototype.updateCurrent = function () {
    var cur = this.opts.current ? this.opts.current() : -1, order = this.order;
    this.rows.forEach(function (tr, pos) { tr.className = order[pos] === cur ? 'current' : ''; });
  };

  // ------------------------------------------------------------------ sorting helpers
  // Text columns sort by the ranks the report stage computed (ReportTextOrder: case and accents
  // ignored, numbers by value; the same order on every machine): comparing 478,000 names with
  // Intl.Collator in the page held it for 4.7 s, and comparing integers is all a sort does now.
  var rankCache = {};
  /** Sort key of each of the first `n` rows of a column that refers to a list (`index[i]`, -1 none) whose entries have ranks: NODAY for none. */
  function ranksVia(name, n, index, rank) {
    var c = rankCache[name];
    if (c && c.length === n) return c;
    var out = new Int32Array(n);
    for (var i = 0; i < n; i++) { var k = index[i]; out[i] = k >= 0 && k < rank.length ? rank[k] : NODAY; }
    return (rankCache[name] = out);
  }
  var radixCount = new Int32Array(65536), radixKeys = new Uint32Array(0), radixSpare = radixKeys, radixRows = new Int32Array(0);
  /**
   * Sorts the rows `order` (an Int32Array) by `keyArr[row]` (integers; NODAY, no value, last in
   * both directions), ties in row order: a stable radix sort of the keys as unsigned 32-bit
   * numbers, in two passes of 16 bits (one when they span less than 65,536). 459,000 rows took
   * 0.1 s on the shared machine (README), where a comparison function took 0.3-0.7 s, and the
   * engine's own sort of the rows packed into numbers about as long. A few thousand rows (the
   * tables as the page opens) are sorted with a comparison function: the passes' 65,536
   * counters cost more than that there (8 ms for 206 rows before the code is compiled).
   */
  function sortOrder(order, keyArr, dir) {
    var n = order.length, i, x, k;
    if (n < 2) return order;
    if (n <= 4096) {
      order.sort(function (a, b) {
        var x = keyArr[a], y = keyArr[b];
        if (x === y) return a - b;
        if (x === NODAY) return 1;
        if (y === NODAY) return -1;
        return dir * (x - y);
      });
      return order;
    }
    // Ties keep row order: the passes are stable, so start from the rows in order.
    for (i = 1; i < n && order[i - 1] < order[i]; i++) { /* in row order so far */ }
    if (i < n) order.sort();
    if (radixKeys.length < n) { radixKeys = new Uint32Array(n); radixSpare = new Uint32Array(n); radixRows = new Int32Array(n); }
    var keys = radixKeys, keys2 = radixSpare, rows = order, rows2 = radixRows, count = radixCount;
    var lo = 4294967295, hi = 0;
    for (i = 0; i < n; i++) {
      x = keyArr[order[i]];
      // 0 .. 2^32 - 2 in sorting order (keys other than NODAY are -2^31 + 1 .. 2^31 - 1); NODAY 2^32 - 1.
      k = x === NODAY ? 4294967295 : dir < 0 ? 2147483647 - x : x + 2147483647;
      keys[i] = k;
      if (k < lo) lo = k;
      if (k > hi) hi = k;
    }
    if (lo === hi) return order;
    for (i = 0; i < n; i++) keys[i] -= lo;
    var passes = hi - lo < 65536 ? 1 : 2;
    for (var pass = 0; pass < passes; pass++) {
      var shift = 16 * pass;
      count.fill(0);
      for (i = 0; i < n; i++) count[(keys[i] >>> shift) & 65535]++;
      for (var b = 0, sum = 0; b < 65536; b++) { var c = count[b]; count[b] = sum; sum += c; }
      for (i = 0; i < n; i++) { var at = count[(keys[i] >>> shift) & 65535]++; keys2[at] = keys[i]; rows2[at] = rows[i]; }
      var t = keys; keys = keys2; keys2 = t;
      var r = rows; rows = rows2; rows2 = r;
    }
    radixKeys = keys; radixSpare = keys2;
    if (rows !== order) { order.set(rows.subarray(0, n)); radixRows = rows; }
    return order;
  }
  function parseSort(text, columns, fallback) {
    var dir = text.charAt(0) === '-' ? -1 : 1, key = text.replace(/^[-+]/, '');
    for (var k = 0; k < columns.length; k++) if (columns[k].key === key && columns[k].sort) return { key: key, dir: dir, col: columns[k] };
    return parseSort(fallback, columns, fallback);
  }

  // ------------------------------------------------------------------ common cells
  function balanceCell(b, r, m) {
    var x = balance(b, r, m);
    return h('span', { class: toneClass(x) }, signed(x));
  }
  function typeName(t) { return types[t] || '?'; }
  function openBtn(text, onclick, label) {
    return h('button', { type: 'button', class: 'linkbtn', title: label || text, onclick: onclick }, text);
  }

  // ------------------------------------------------------------------ tables
  var tables = {};
  function numCol(key, label, arr, extra) {
    return Object.assign({ key: key, label: label, num: true, width: '6.2rem', sort: 'num', value: arr, cell: function (i) { return fmt(arr[i]); },
      csv: function (i) { return String(arr[i]); } }, extra || {});
  }
  function dayCol(key, label, arr) {
    return { key: key, label: label, width: '7.4rem', sort: 'num', value: arr, cls: 'nowrap', cell: function (i) { return arr[i] === NODAY ? h('span', { class: 'muted' }, 'undated') : iso(arr[i]); },
      csv: function (i) { return iso(arr[i]); } };
  }
  function balanceArr(n, b, r, m) {
    var out = new Int32Array(n);
    for (var i = 0; i < n; i++) out[i] = Math.round(balance(b[i], r[i], m[i]) * 1e6);
    return out;
  }

  /**
   * A button that downloads the rows in view (filtered and sorted as shown) as CSV: RFC 4180,
   * CRLF, the column labels as header, numbers without grouping, days as YYYY-MM-DD; text a
   * spreadsheet would run as a formula (= + - @ tab CR first) gets a leading ' as in the report's
   * CSV files.
   */
  function csvButton(container, vt, columns, name, ready) {
    function field(text, isNum) {
      text = String(text === null || text === undefined ? '' : text);
      if (!isNum && /^[=+\-@\t\r]/.test(text)) text = "'" + text;
      return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
    }
    var button = h('button', { type: 'button', class: 'csvbtn', 'data-export': name, title: 'Download the rows shown (filtered and sorted) as CSV' }, 'Download CSV');
    button.addEventListener('click', function () {
      var lines = [columns.map(function (c) { return field(c.label, false); }).join(',')];
      var order = vt.order, td = document.createElement('td');
      for (var pos = 0; pos < order.length; pos++) {
        var i = order[pos];
        lines.push(columns.map(function (c) {
          if (c.csv) return field(c.csv(i), !!c.num);
          td.textContent = '';
          var content = c.cell(i, td);
          if (content !== undefined && content !== null) append(td, content);
          return field(td.textContent, !!c.num);
        }).join(','));
      }
      var url = URL.createObjectURL(new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv;charset=utf-8' }));
      // Not through h(): its links are http(s) only, and this blob: URL is the page's own.
      var a = document.createElement('a');
      a.setAttribute('href', url);
      a.setAttribute('download', name + '-' + ((raw.run && raw.run.night) || 'report') + '.csv');
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    });
    var controls = container.querySelector('.controls');
    (controls || container).appendChild(button);
    // Rows still on their way (the entities after the most mentioned): no partial download.
    if (ready && !ready()) {
      button.disabled = true;
      button.title = 'Reading every row first\u2026';
      afterEntities(function () { button.disabled = false; button.title = 'Download the rows shown (filtered and sorted) as CSV'; });
    }
    return button;
  }

  function buildTickerTable() {
    var columns = [
      { key: 'ticker', label: 'Ticker', width: '7rem', sort: 'str', cls: 'sym-cell',
        value: tickSymRank,
        cell: function (t) { return h('button', { type: 'button', class: 'linkbtn sym', onclick: function () { openDetail('ticker', Tj.symbol[t]); } }, Tj.symbol[t]); } },
      { key: 'company', label: 'Company (in the stories [today])', width: '19rem', sort: 'str', tip: true,
        value: tickCoRank,
        cell: function (t) { return nameThenNow(tickStoryName[t], Tj.company[t]); } },
      numCol('mentions', 'Mentions', tickM), numCol('documents', 'Docs', tickD), numCol('sites', 'Sites', tickS, { width: '5rem' }),
      numCol('bullish', 'Bullish', tickB, { cls: 'tone-b' }), numCol('bearish', 'Bearish', tickR, { cls: 'tone-r' }), numCol('neutral', 'Neutral', tickN),
      { key: 'balance', label: 'Balance', num: true, width: '5.6rem', sort: 'num', title: '(bullish \u2212 bearish) / mentions',
        value: function () { return balanceArr(nTick, tickB, tickR, tickM); }, cell: function (t) { return balanceCell(tickB[t], tickR[t], tickM[t]); },
        csv: function (t) { return balance(tickB[t], tickR[t], tickM[t]).toFixed(4); } },
      dayCol('first', 'First seen', tickFirst), dayCol('last', 'Last seen', tickLast),
    ];
    var container = byId('panel-tickers');
    var input = h('input', { type: 'search', id: 'tq', 'aria-label': 'Filter tickers', placeholder: 'Filter by symbol or company', value: state.tq });
    var count = h('span', { class: 'count', 'aria-live': 'polite' });
    container.appendChild(h('div', { class: 'controls' }, [h('label', { for: 'tq' }, 'Filter'), input, count]));
    var vt = new VTable({ label: 'Tickers', columns: columns, onSort: function (k) { toggleSort('ts', k, columns); refreshTickers(); commit(false); },
      current: function () { return tickIndex.get(state.ticker); } });
    container.appendChild(vt.scroll);
    debounceInput(input, function () { state.tq = input.value; refreshTickers(); commit(false); });
    function refreshTickers() {
      var q = state.tq.trim().toLowerCase(), order;
      if (q) {
        var k = lowerKeys('tick'), tmp = [];
        for (var t = 0; t < nTick; t++) if (k[t].indexOf(q) >= 0) tmp.push(t);
        order = Int32Array.from(tmp);
      } else { order = new Int32Array(nTick); for (t = 0; t < nTick; t++) order[t] = t; }
      var srt = parseSort(state.ts, columns, '-mentions');
      var val = typeof srt.col.value === 'function' ? srt.col.value() : srt.col.value;
      sortOrder(order, val, srt.dir);
      vt.setSort(srt.key, srt.dir);
      vt.setRows(order);
      count.textContent = fmt(order.length) + ' of ' + fmt(nTick) + ' tickers';
      if (input.value !== state.tq) input.value = state.tq;
    }
    csvButton(container, vt, columns, 'tickers');
    tables.tickers = { vt: vt, refresh: refreshTickers, input: input };
  }

  function buildEntityTable() {
    var columns = [
      { key: 'name', label: 'Name', width: '17rem', sort: 'str', tip: true,
        value: entNameRank,
        cell: function (e) { return openBtn(entName(e), function () { openDetail('entity', Ej.id[e]); }); } },
      { key: 'type', label: 'Type', width: '5.4rem', sort: 'num', value: entType,
        cell: function (e, td) { td.className = 'type-' + typeName(entType[e]); return typeName(entType[e]); } },
      { key: 'ticker', label: 'Ticker', width: '6rem', sort: 'str', cls: 'sym-cell',
        value: function () { return ranksVia('entTick', nEnt, entTicker, tickSymRank); },
        cell: function (e) { var t = entTicker[e]; return t >= 0 ? h('button', { type: 'button', class: 'linkbtn sym', onclick: function () { openDetail('ticker', Tj.symbol[t]); } }, Tj.symbol[t]) : ''; } },
      numCol('mentions', 'Mentions', entM), numCol('documents', 'Docs', entD), numCol('sites', 'Sites', entS, { width: '5rem' }),
      numCol('bullish', 'Bullish', entB, { cls: 'tone-b' }), numCol('bearish', 'Bearish', entR, { cls: 'tone-r' }), numCol('neutral', 'Neutral', entN),
      { key: 'balance', label: 'Balance', num: true, width: '5.6rem', sort: 'num', title: '(bullish \u2212 bearish) / mentions',
        value: function () { return balanceArr(nEnt, entB, entR, entM); }, cell: function (e) { return balanceCell(entB[e], entR[e], entM[e]); },
        csv: function (e) { return balance(entB[e], entR[e], entM[e]).toFixed(4); } },
      dayCol('first', 'First seen', entFirst), dayCol('last', 'Last seen', entLast),
    ];
    var container = byId('panel-entities');
    var input = h('input', { type: 'search', id: 'eq', 'aria-label': 'Filter entities by name', placeholder: 'Filter by name', value: state.eq });
    var typeSel = h('select', { id: 'etype', 'aria-label': 'Entity type' }, [h('option', { value: '' }, 'All types')].concat(
      types.map(function (t, k) { return h('option', { value: String(k) }, t); })));
    var count = h('span', { class: 'count', 'aria-live': 'polite' });
    container.appendChild(h('div', { class: 'controls' }, [h('label', { for: 'eq' }, 'Filter'), input, h('label', { for: 'etype' }, 'Type'), typeSel, count]));
    var vt = new VTable({ label: 'Entities', columns: columns, onSort: function (k) { toggleSort('es', k, columns); refreshEntities(); commit(false); },
      current: function () { return entityIndex(state.entity); } });
    container.appendChild(vt.scroll);
    debounceInput(input, function () { state.eq = input.value; refreshEntities(); commit(false); });
    typeSel.addEventListener('change', function () { state.type = typeSel.value; refreshEntities(); commit(false); });
    function refreshEntities(keepScroll) {
      var q = state.eq.trim().toLowerCase(), type = state.type === '' ? -1 : Number(state.type), tmp = [], e;
      var k = q ? lowerKeys('ent') : null;
      for (e = 0; e < nEnt; e++) {
        if (type >= 0 && entType[e] !== type) continue;
        if (k && k[e].indexOf(q) < 0) continue;
        tmp.push(e);
      }
      var order = Int32Array.from(tmp);
      var srt = parseSort(state.es, columns, '-mentions');
      sortOrder(order, typeof srt.col.value === 'function' ? srt.col.value() : srt.col.value, srt.dir);
      vt.setSort(srt.key, srt.dir);
      vt.setRows(order, keepScroll === true);
      if (entitiesReady) count.textContent = fmt(order.length) + ' of ' + fmt(nEnt) + ' entities' + (entityError ? ' (the others could not be read: ' + entityError + ')' : '');
      else {
        // The most mentioned only so far: say so, and draw the table again with every entity.
        count.textContent = fmt(order.length) + ' of the ' + fmt(nEnt) + ' most mentioned entities; reading all ' + fmt(nEntAll) + '\u2026';
        afterEntities(refreshAll);
      }
      if (input.value !== state.eq) input.value = state.eq;
      typeSel.value = state.type;
    }
    function refreshAll() { refreshEntities(true); }
    csvButton(container, vt, columns, 'entities', function () { return entitiesReady; });
    tables.entities = { vt: vt, refresh: refreshEntities, input: input };
  }

  function buildDocumentTable() {
    var columns = [
      dayCol('date', 'Date', docDay),
      { key: 'title', label: 'Title', width: '26rem', sort: 'str', tip: true,
        value: function () { return docTitleRank; },
        cell: function (d) { return openBtn(String(Dj.title[d] || '(untitled)'), function () { openDetail('doc', String(d)); }); } },
      { key: 'site', label: 'Site', width: '11rem', sort: 'str', tip: true,
        value: function () { return ranksVia('site', nDocs, docSite, siteRank); },
        cell: function (d) { return sites[docSite[d]] || ''; } },
      { key: 'authors', label: 'Authors', width: '11rem', sort: 'str', tip: true,
        value: function () { return ranksVia('byline', nDocs, docByline, bylineRank); },
        cell: function (d) { return bylines[docByline[d]] || ''; } },
      { key: 'lang', label: 'Lang', width: '4rem', sort: 'num', value: docLang, cell: function (d) { return languages[docLang[d]] || ''; } },
      numCol('words', 'Words', docWords, { width: '5.2rem' }), numCol('entities', 'Entities', docEnts, { width: '5.4rem' }),
      numCol('carriers', 'Sites', docCarriers, { width: '4.6rem', title: 'sites that carried the story: this page and the mirrors dedup removed' }),
      { key: 'link', label: 'URL', width: '5.2rem', csv: function (d) { return String(Dj.url[d] || ''); }, cell: function (d) {
        var u = safeUrl(Dj.url[d]);
        return u ? h('a', { href: u, rel: 'noopener noreferrer nofollow', target: '_blank', title: u }, 'open \u2197') : h('span', { class: 'muted', title: String(Dj.url[d] || '') }, 'no link');
      } },
    ];
    var container = byId('panel-documents');
    var input = h('input', { type: 'search', id: 'dq', 'aria-label': 'Filter documents by title, site or author', placeholder: 'Filter by title, site, author', value: state.dq });
    var langSel = h('select', { id: 'dlang', 'aria-label': 'Language' }, [h('option', { value: '' }, 'All languages')].concat(
      languages.map(function (l, k) { return h('option', { value: String(k) }, l); })));
    var from = h('input', { type: 'date', id: 'dfrom', 'aria-label': 'Published from' });
    var to = h('input', { type: 'date', id: 'dto', 'aria-label': 'Published until' });
    var withChip = h('span');
    var count = h('span', { class: 'count', 'aria-live': 'polite' });
    container.appendChild(h('div', { class: 'controls' }, [h('label', { for: 'dq' }, 'Filter'), input, langSel,
      h('label', { for: 'dfrom' }, 'From'), from, h('label', { for: 'dto' }, 'to'), to, withChip, count]));
    var vt = new VTable({ label: 'Documents', columns: columns, onSort: function (k) { toggleSort('ds', k, columns); refreshDocs(); commit(false); },
      current: function () { return state.doc === '' ? -1 : Number(state.doc); } });
    container.appendChild(vt.scroll);
    debounceInput(input, function () { state.dq = input.value; refreshDocs(); commit(false); });
    langSel.addEventListener('change', function () { state.lang = langSel.value; refreshDocs(); commit(false); });
    from.addEventListener('change', function () { state.from = from.value; refreshDocs(); commit(false); });
    to.addEventListener('change', function () { state.to = to.value; refreshDocs(); commit(false); });
    var posCache = new Int32Array(nDocs);
    for (var d0 = 0; d0 < nDocs; d0++) posCache[d0] = d0;  // documents come in publication order
    columns[0].value = (function () {
      // Date sort: by day, undated last; ties keep publication order.
      return docDay;
    })();
    function withMask() {
      var m = /^(entity|ticker):(.+)$/.exec(state.with);
      if (!m) return null;
      var idx = m[1] === 'entity' ? entityIndex(m[2]) : tickIndex.get(m[2]);
      if (idx === undefined) return null;
      var mask = new Uint8Array(nDocs), label = m[1] === 'entity' ? entName(idx) : m[2];
      // No rows until the mentions are read; then the table is drawn again.
      if (!laterReady) { afterLater(refreshDocs); return { mask: mask, label: label, pending: true }; }
      var list = mentionsOf(m[1] === 'entity' ? 'e' : 't', idx);
      for (var k = 0; k < list.length; k++) mask[mDoc[list[k]]] = 1;
      return { mask: mask, label: label };
    }
    function refreshDocs() {
      var q = state.dq.trim().toLowerCase(), lang = state.lang === '' ? -1 : Number(state.lang);
      var f = parseIso(state.from), t = parseIso(state.to), tmp = [], k = q ? lowerKeys('doc') : null, w = withMask();
      for (var d = 0; d < nDocs; d++) {
        if (lang >= 0 && docLang[d] !== lang) continue;
        if (f !== null && (docDay[d] === NODAY || docDay[d] < f)) continue;
        if (t !== null && (docDay[d] === NODAY || docDay[d] > t)) continue;
        if (w && !w.mask[d]) continue;
        if (k && k[d].indexOf(q) < 0) continue;
        tmp.push(d);
      }
      var order = Int32Array.from(tmp);
      var srt = parseSort(state.ds, columns, '-date');
      sortOrder(order, typeof srt.col.value === 'function' ? srt.col.value() : srt.col.value, srt.dir);
      vt.setSort(srt.key, srt.dir);
      vt.setRows(order);
      count.textContent = w && w.pending ? 'Reading the mentions\u2026' : fmt(order.length) + ' of ' + fmt(nDocs) + ' documents';
      if (input.value !== state.dq) input.value = state.dq;
      langSel.value = state.lang; from.value = state.from; to.value = state.to;
      clear(withChip);
      if (w) withChip.appendChild(h('span', { class: 'chip' }, ['Mentioning ', h('b', null, w.label),
        h('button', { type: 'button', class: 'linkbtn', 'aria-label': 'Remove filter: mentioning ' + w.label,
          onclick: function () { state.with = ''; refreshDocs(); commit(false); } }, '\u2715')]));
    }
    csvButton(container, vt, columns, 'documents');
    tables.documents = { vt: vt, refresh: refreshDocs, input: input };
  }

  function toggleSort(field, key, columns) {
    var cur = parseSort(state[field], columns, state[field]);
    var col = columns.filter(function (c) { return c.key === key; })[0];
    var dir = cur.key === key ? -cur.dir : (col && col.sort === 'num' ? -1 : 1);
    state[field] = (dir < 0 ? '-' : '') + key;
  }
  function debounceInput(input, fn) {
    var timer = 0;
    input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(fn, 140); });
  }

  // ------------------------------------------------------------------ tabs
  var tabNames = ['tickers', 'entities', 'documents'];
  var built = {};
  function showTab(name, focus) {
    if (tabNames.indexOf(name) < 0) name = 'tickers';
    tabNames.forEach(function (t) {
      var tab = byId('tab-' + t), panel = byId('panel-' + t), on = t === name;
      tab.setAttribute('aria-selected', on ? 'true' : 'false');
      tab.tabIndex = on ? 0 : -1;
      panel.hidden = !on;
    });
    if (name === 'documents' && !laterReady) {
      // The documents are on their way: a note until they arrive, then the table.
      var panel = byId('panel-documents');
      if (!panel.firstChild) panel.appendChild(h('p', { class: 'empty', role: 'status' }, 'Reading the documents\u2026'));
      afterLater(showDocumentsWhenRead);
    } else if (!built[name]) {
      built[name] = true;
      if (name === 'documents') clear(byId('panel-documents'));
      ({ tickers: buildTickerTable, entities: buildEntityTable, documents: buildDocumentTable })[name]();
      tables[name].refresh();
    } else tables[name].vt.render();
    if (focus) byId('tab-' + name).focus();
  }
  function showDocumentsWhenRead() {
    if (state.tab === 'documents') showTab('documents');
    else clear(byId('panel-documents'));
  }
  function setupTabs() {
    tabNames.forEach(function (t, k) {
      var tab = byId('tab-' + t);
      tab.addEventListener('click', function () { state.tab = t; showTab(t); commit(false); });
      tab.addEventListener('keydown', function (ev) {
        var d = ev.key === 'ArrowRight' ? 1 : ev.key === 'ArrowLeft' ? -1 : 0;
        if (!d) return;
        ev.preventDefault();
        state.tab = tabNames[(k + d + tabNames.length) % tabNames.length];
        showTab(state.tab, true);
        commit(false);
      });
    });
  }

  // ------------------------------------------------------------------ timelines
  var BUCKETS = ['auto', 'day', 'week', 'month', 'year'];
  function monthIndex(day) { var dt = new Date(day * DAY_MS); return dt.getUTCFullYear() * 12 + dt.getUTCMonth(); }
  function monthStart(mi) { return Math.floor(Date.UTC(Math.floor(mi / 12), mi % 12, 1) / DAY_MS); }
  function weekStart(day) { return day - (((day + 3) % 7) + 7) % 7; }  // Monday (1970-01-01 was a Thursday)
  function bucketStart(day, unit) {
    if (unit === 'day') return day;
    if (unit === 'week') return weekStart(day);
    if (unit === 'month') return monthStart(monthIndex(day));
    var y = new Date(day * DAY_MS).getUTCFullYear();
    return Math.floor(Date.UTC(y, 0, 1) / DAY_MS);
  }
  function nextBucket(start, unit) {
    if (unit === 'day') return start + 1;
    if (unit === 'week') return start + 7;
    if (unit === 'month') return monthStart(monthIndex(start) + 1);
    var y = new Date(start * DAY_MS).getUTCFullYear();
    return Math.floor(Date.UTC(y + 1, 0, 1) / DAY_MS);
  }
  function autoUnit(span) { return span <= 92 ? 'day' : span <= 731 ? 'week' : span <= 365 * 30 ? 'month' : 'year'; }
  function bucketLabel(start, unit) {
    var dt = new Date(start * DAY_MS), y = dt.getUTCFullYear(), m = MONTHS[dt.getUTCMonth()], d = dt.getUTCDate();
    if (unit === 'year') return String(y);
    if (unit === 'month') return m + ' ' + y;
    if (unit === 'week') return 'week of ' + d + ' ' + m + ' ' + y;
    return d + ' ' + m + ' ' + y;
  }
  // The range timelines plot: a publication day outside it (a date misread as year 0201 or 2091)
  // would stretch the axis over centuries; such mentions are counted and named, not plotted.
  var PLOT_FIRST = typeof (raw.run || {}).plot_first_day === 'number' ? raw.run.plot_first_day : -25567;   // 1900-01-01
  var PLOT_LAST = typeof (raw.run || {}).plot_last_day === 'number' ? raw.run.plot_last_day : Math.floor(Date.now() / DAY_MS) + 366;
  var MAX_BUCKETS = 4000;
  /** Per-day counts by tone of the given mentions (all mentions when `list` is null). */
  function dayCounts(list) {
    var n = list ? list.length : nMent, lo = Infinity, hi = -Infinity, k, d, outside = 0;
    for (k = 0; k < n; k++) {
      d = docDay[mDoc[list ? list[k] : k]];
      if (d === NODAY) continue;
      if (d < PLOT_FIRST || d > PLOT_LAST) { outside++; continue; }
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    if (lo === Infinity) return null;
    var len = hi - lo + 1, c = [new Int32Array(len), new Int32Array(len), new Int32Array(len)], undated = 0;
    for (k = 0; k < n; k++) {
      var m = list ? list[k] : k;
      d = docDay[mDoc[m]];
      if (d === NODAY) { undated++; continue; }
      if (d < lo || d > hi) continue;
      c[mTone[m]][d - lo]++;
    }
    return { lo: lo, hi: hi, c: c, undated: undated, outside: outside };
  }
  /** The unit asked for, or a coarser one when it would draw more than MAX_BUCKETS bars. */
  function fitUnit(unit, span) {
    var order = ['day', 'week', 'month', 'year'], per = { day: 1, week: 7, month: 30.44, year: 365.25 };
    for (var k = Math.max(0, order.indexOf(unit)); k < order.length; k++) if (span / per[order[k]] <= MAX_BUCKETS) return order[k];
    return 'year';
  }
  function bucketize(dc, unit) {
    var starts = [], s0 = bucketStart(dc.lo, unit);
    for (var st = s0; st <= dc.hi; st = nextBucket(st, unit)) starts.push(st);
    starts.push(nextBucket(starts[starts.length - 1], unit));
    var nb = starts.length - 1, c = [new Int32Array(nb), new Int32Array(nb), new Int32Array(nb)];
    var b = 0;
    for (var d = dc.lo; d <= dc.hi; d++) {
      while (d >= starts[b + 1]) b++;
      var i = d - dc.lo;
      c[0][b] += dc.c[0][i]; c[1][b] += dc.c[1][i]; c[2][b] += dc.c[2][i];
    }
    return { starts: starts, c: c, n: nb, unit: unit };
  }
  function niceTop(max) {
    if (max <= 0) return { top: 1, step: 1 };
    var raw = max / 4, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (x) { return x * mag; }).filter(function (x) { return x >= raw; })[0];
    step = Math.max(1, step);
    return { top: Math.ceil(max / step) * step, step: step };
  }
  var TICK_UNITS = [[1, 'day'], [2, 'day'], [7, 'week'], [14, 'week'], [1, 'month'], [2, 'month'], [3, 'month'], [6, 'month'],
    [1, 'year'], [2, 'year'], [5, 'year'], [10, 'year'], [20, 'year'], [50, 'year']];
  var UNIT_DAYS = { day: 1, week: 1, month: 30.44, year: 365.25 };
  /** Calendar-aligned axis ticks for [d0, d1) days: every label carries its year. */
  function ticks(d0, d1, width) {
    var maxTicks = Math.max(2, Math.floor(width / 95)), span = d1 - d0, pick = TICK_UNITS[TICK_UNITS.length - 1];
    for (var k = 0; k < TICK_UNITS.length; k++) if (span / (TICK_UNITS[k][0] * UNIT_DAYS[TICK_UNITS[k][1]]) <= maxTicks) { pick = TICK_UNITS[k]; break; }
    var n = pick[0], unit = pick[1], out = [];
    if (unit === 'day' || unit === 'week') {
      var step = n, first = unit === 'week' ? weekStart(d0) : d0;
      if (unit === 'week') { while (first < d0) first += 7; if (n === 14 && ((first - 4) / 7) % 2) first += 7; }
      else first = Math.ceil(d0 / n) * n;
      for (var d = first; d < d1; d += step) out.push({ day: d, label: bucketLabel(d, 'day') });
    } else if (unit === 'month') {
      for (var mi = monthIndex(d0); ; mi++) {
        var ms = monthStart(mi);
        if (ms >= d1) break;
        if (ms >= d0 && mi % n === 0) out.push({ day: ms, label: MONTHS[mi % 12] + ' ' + Math.floor(mi / 12) });
      }
    } else {
      for (var y = new Date(d0 * DAY_MS).getUTCFullYear(); ; y++) {
        var ys = Math.floor(Date.UTC(y, 0, 1) / DAY_MS);
        if (ys >= d1) break;
        if (ys >= d0 && y % n === 0) out.push({ day: ys, label: String(y) });
      }
    }
    return out;
  }

  /**
   * A timeline: mentions per bucket stacked by tone (bullish, neutral, bearish) and the tone
   * balance per bucket below; buckets without mentions are empty (gaps show), the x axis is
   * proportional to calendar time. Keyboard: the chart is a slider over buckets (arrows, Home,
   * End); Enter or click selects a bucket (onSelect), Escape clears.
   */
  function Timeline(container, opts) {
    this.container = container;
    this.opts = opts;
    this.cursor = -1;
    var self = this;
    this.head = h('div', { class: 'tl-head' });
    this.seg = h('div', { class: 'seg', role: 'group', 'aria-label': 'Bucket size' });
    BUCKETS.forEach(function (b) {
      self.seg.appendChild(h('button', { type: 'button', class: 'btn', 'data-b': b, 'aria-pressed': 'false',
        onclick: function () { state.bucket = b; commit(false); redrawTimelines(); } }, b === 'auto' ? 'Auto' : b.charAt(0).toUpperCase() + b.slice(1)));
    });
    this.legend = h('span', { class: 'legend', 'aria-hidden': 'true' }, [
      h('span', null, [h('i', { style: null }), 'bullish']), h('span', null, [h('i'), 'neutral']), h('span', null, [h('i'), 'bearish'])]);
    this.legend.children[0].firstChild.style.background = 'var(--bull)';
    this.legend.children[1].firstChild.style.background = 'var(--neut)';
    this.legend.children[2].firstChild.style.background = 'var(--bear)';
    this.info = h('span', { class: 'muted' });
    this.head.appendChild(this.seg);
    this.head.appendChild(this.legend);
    this.head.appendChild(this.info);
    this.chart = h('div');
    this.readout = h('div', { class: 'readout', 'aria-live': 'polite' });
    container.appendChild(h('div', { class: 'tl' }, [this.head, this.chart, this.readout]));
  }
  Timeline.prototype.draw = function (dc) {
    this.dc = dc;
    var self = this, W = Math.max(320, Math.round(this.container.clientWidth || 800) - 4), H = 230;
    var left = 52, right = 12, top = 10, barsH = 130, gap = 12, balH = 44, axisY = top + barsH + gap + balH + 8;
    Array.prototype.forEach.call(this.seg.children, function (b) { b.setAttribute('aria-pressed', b.getAttribute('data-b') === state.bucket ? 'true' : 'false'); });
    clear(this.chart);
    if (!dc) { this.chart.appendChild(h('p', { class: 'empty' }, 'No dated mentions.')); this.info.textContent = ''; return; }
    var asked = state.bucket === 'auto' || BUCKETS.indexOf(state.bucket) < 0 ? autoUnit(dc.hi - dc.lo + 1) : state.bucket;
    var unit = fitUnit(asked, dc.hi - dc.lo + 1);
    var bk = bucketize(dc, unit);
    this.bk = bk;
    var d0 = bk.starts[0], d1 = bk.starts[bk.n], plotW = W - left - right;
    function X(day) { return left + plotW * (day - d0) / (d1 - d0); }
    var max = 0, tot = new Int32Array(bk.n);
    for (var i = 0; i < bk.n; i++) { tot[i] = bk.c[0][i] + bk.c[1][i] + bk.c[2][i]; if (tot[i] > max) max = tot[i]; }
    var sc = niceTop(max);
    function Y(v) { return top + barsH * (1 - v / sc.top); }
    this.info.textContent = 'per ' + unit + ' \u00b7 ' + fmt(bk.n) + ' buckets from ' + iso(d0) + ' to ' + iso(d1 - 1) + (unit !== asked ? ' (per ' + asked + ' would draw too many bars)' : '') +
      (dc.undated ? ' \u00b7 ' + fmt(dc.undated) + ' undated mentions not shown' : '') +
      (dc.outside ? ' \u00b7 ' + fmt(dc.outside) + ' mentions dated outside ' + iso(PLOT_FIRST).slice(0, 4) + '\u2013' + iso(PLOT_LAST).slice(0, 4) + ' not shown' : '');
    var svg = s('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, tabindex: '0', role: 'slider', 'aria-label': this.opts.label,
      'aria-valuemin': 0, 'aria-valuemax': bk.n - 1, 'aria-valuenow': 0, 'aria-valuetext': 'Use arrow keys to read each ' + unit });
    var g = s('g', { class: 'axis' });
    for (var v = 0; v <= sc.top; v += sc.step) {
      g.appendChild(s('line', { x1: left, x2: W - right, y1: Y(v), y2: Y(v), class: 'gridline' }));
      g.appendChild(s('text', { x: left - 6, y: Y(v) + 4, 'text-anchor': 'end' }, fmt(v)));
    }
    svg.appendChild(g);
    // Stacked bars as one path per tone.
    var paths = ['', '', ''], order = [1, 0, 2];
    var balPath = ['', ''], zeroY = top + barsH + gap + balH / 2;
    for (i = 0; i < bk.n; i++) {
      if (!tot[i]) continue;
      var x0 = X(bk.starts[i]), x1 = X(bk.starts[i + 1]), w = x1 - x0;
      if (w > 3) { x0 += 0.5; w -= 1; }
      w = Math.max(w, 0.8);
      var base = 0;
      for (var o = 0; o < 3; o++) {
        var t = order[o], val = bk.c[t][i];
        if (!val) continue;
        var yTop = Y(base + val), yBot = Y(base);
        paths[t] += 'M' + x0.toFixed(2) + ' ' + yBot.toFixed(2) + 'V' + yTop.toFixed(2) + 'h' + w.toFixed(2) + 'V' + yBot.toFixed(2) + 'z';
        base += val;
      }
      var bal = (bk.c[1][i] - bk.c[2][i]) / tot[i], bh = Math.abs(bal) * balH / 2;
      if (bh > 0.01) balPath[bal > 0 ? 0 : 1] += 'M' + x0.toFixed(2) + ' ' + (bal > 0 ? zeroY - bh : zeroY).toFixed(2) + 'h' + w.toFixed(2) + 'v' + bh.toFixed(2) + 'h' + (-w).toFixed(2) + 'z';
    }
    var colours = ['var(--neut)', 'var(--bull)', 'var(--bear)'];
    for (t = 0; t < 3; t++) if (paths[t]) { var p = s('path', { d: paths[t] }); p.style.fill = colours[t]; svg.appendChild(p); }
    svg.appendChild(s('line', { x1: left, x2: W - right, y1: Y(0), y2: Y(0), class: 'baseline' }));
    // Tone balance strip.
    svg.appendChild(s('text', { x: left - 6, y: zeroY - balH / 2 + 8, 'text-anchor': 'end' }, '+1'));
    svg.appendChild(s('text', { x: left - 6, y: zeroY + 4, 'text-anchor': 'end' }, 'tone 0'));
    svg.appendChild(s('text', { x: left - 6, y: zeroY + balH / 2, 'text-anchor': 'end' }, '\u22121'));
    svg.appendChild(s('line', { x1: left, x2: W - right, y1: zeroY, y2: zeroY, class: 'baseline' }));
    if (balPath[0]) { p = s('path', { d: balPath[0] }); p.style.fill = 'var(--bull)'; svg.appendChild(p); }
    if (balPath[1]) { p = s('path', { d: balPath[1] }); p.style.fill = 'var(--bear)'; svg.appendChild(p); }
    // Date axis.
    var ax = s('g', { class: 'axis' });
    ticks(d0, d1, plotW).forEach(function (tk) {
      var x = X(tk.day);
      ax.appendChild(s('line', { x1: x, x2: x, y1: top, y2: axisY - 4, class: 'gridline' }));
      if (x < W - right - 30) ax.appendChild(s('text', { x: x + 2, y: axisY + 12, 'text-anchor': 'start' }, tk.label));
    });
    svg.appendChild(ax);
    // Selection band and hover box.
    var sel = parseRange(state.range);
    if (sel && this.opts.selectable) {
      var sx0 = Math.max(left, X(sel[0])), sx1 = Math.min(W - right, X(sel[1] + 1));
      if (sx1 > sx0) svg.appendChild(s('rect', { class: 'sel', x: sx0, y: top, width: Math.max(1, sx1 - sx0), height: axisY - top - 4 }));
    }
    this.hl = s('rect', { class: 'hl', x: -10, y: top, width: 0, height: axisY - top - 4, visibility: 'hidden' });
    svg.appendChild(this.hl);
    this.X = X; this.tot = tot; this.svg = svg;
    svg.addEventListener('pointermove', function (ev) { var i = self.bucketAt(ev); if (i >= 0) self.setCursor(i); });
    svg.addEventListener('pointerleave', function () { self.hl.setAttribute('visibility', 'hidden'); });
    svg.addEventListener('click', function (ev) { var i = self.bucketAt(ev); if (i >= 0) { self.setCursor(i); self.select(i); } });
    svg.addEventListener('keydown', function (ev) {
      var n = bk.n, i = self.cursor < 0 ? n - 1 : self.cursor;
      var next = { ArrowRight: i + 1, ArrowLeft: i - 1, ArrowUp: i + 1, ArrowDown: i - 1, Home: 0, End: n - 1, PageUp: i + 10, PageDown: i - 10 }[ev.key];
      if (next !== undefined) { ev.preventDefault(); self.setCursor(Math.max(0, Math.min(n - 1, next))); }
      else if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); if (self.cursor >= 0) self.select(self.cursor); }
      else if (ev.key === 'Escape' && state.range && self.opts.selectable) { ev.preventDefault(); ev.stopPropagation(); self.opts.onSelect(null); }
    });
    this.chart.appendChild(svg);
    this.readout.textContent = this.opts.selectable ? 'Point at or use the arrow keys on the chart to read a ' + unit + '; click or press Enter to list its mentions.' : 'Point at or use the arrow keys on the chart to read a ' + unit + '.';
  };
  /** A placeholder as tall as the chart, while its data is on its way. */
  Timeline.prototype.pending = function (text) {
    clear(this.chart);
    var p = h('p', { class: 'empty', role: 'status' }, text);
    p.style.height = '230px';
    p.style.margin = '0';
    this.chart.appendChild(p);
    this.info.textContent = '';
    this.readout.textContent = '';
  };
  Timeline.prototype.bucketAt = function (ev) {
    var rect = this.svg.getBoundingClientRect(), vb = this.svg.viewBox.baseVal;
    var x = (ev.clientX - rect.left) * vb.width / rect.width;
    var bk = this.bk, lo = 0, hi = bk.n - 1;
    if (x < this.X(bk.starts[0]) || x > this.X(bk.starts[bk.n])) return -1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (this.X(bk.starts[mid]) <= x) lo = mid; else hi = mid - 1; }
    return lo;
  };
  Timeline.prototype.setCursor = function (i) {
    var bk = this.bk;
    this.cursor = i;
    var x0 = this.X(bk.starts[i]), x1 = this.X(bk.starts[i + 1]);
    this.hl.setAttribute('x', x0.toFixed(2));
    this.hl.setAttribute('width', Math.max(1.5, x1 - x0).toFixed(2));
    this.hl.setAttribute('visibility', 'visible');
    var t = this.tot[i], b = bk.c[1][i], r = bk.c[2][i], n = bk.c[0][i];
    var text = bucketLabel(bk.starts[i], bk.unit) + ': ' + fmt(t) + ' mention' + (t === 1 ? '' : 's') +
      (t ? ' (' + fmt(b) + ' bullish, ' + fmt(r) + ' bearish, ' + fmt(n) + ' neutral; balance ' + signed(balance(b, r, t)) + ')' : '');
    this.readout.textContent = text;
    this.svg.setAttribute('aria-valuenow', String(i));
    this.svg.setAttribute('aria-valuetext', text);
  };
  Timeline.prototype.select = function (i) {
    if (!this.opts.selectable) return;
    this.opts.onSelect([this.bk.starts[i], this.bk.starts[i + 1] - 1]);
  };
  function parseRange(text) {
    var m = /^(-?\d+)\.\.(-?\d+)$/.exec(text || '');
    return m ? [Number(m[1]), Number(m[2])] : null;
  }
  var timelines = [];
  function redrawTimelines() { timelines.forEach(function (t) { if (t.container.isConnected) t.redraw(); }); }

  // ------------------------------------------------------------------ KPIs and overview
  function renderKpis() {
    var run = raw.run || {}, box = byId('sec-kpis');
    var items = [[run.documents !== undefined ? run.documents : nDocs, 'documents', run.undated ? fmt(run.undated) + ' undated' : null],
      [run.sites !== undefined ? run.sites : sites.length, 'sites'], [nEntAll, 'named entities'], [run.mentions !== undefined ? run.mentions : nMent, 'mentions',
        run.mentions_complete === false ? fmt(nMent) + ' listed' + (run.mentions_from_day !== null && run.mentions_from_day !== undefined ? ', of documents from ' + iso(run.mentions_from_day) + ' on' : '') : null], [nTick, 'tickers'],
      [run.first_day !== undefined && run.first_day !== null ? (iso(run.first_day).slice(0, 4) === iso(run.last_day).slice(0, 4) ? iso(run.first_day).slice(0, 4) :
        iso(run.first_day).slice(0, 4) + '\u2013' + iso(run.last_day).slice(0, 4)) : '\u2013', iso(run.first_day).slice(0, 4) === iso(run.last_day).slice(0, 4) ? 'publication year' : 'publication years']];
    if (run.mentions_complete === false || run.sentences_complete === false) {
      var why = [];
      if (run.mentions_complete === false) why.push('the mentions of the newest documents only (' + fmt(nMent) + ' of ' + fmt(run.mentions) + ')');
      if (run.sentences_complete === false) why.push('not every sentence');
      box.parentNode.insertBefore(h('div', { class: 'notice', role: 'note' }, [h('strong', null, 'This page is bounded: '),
        'it lists ' + why.join(' and ') + ', to stay usable in a browser. The counts in the tables are complete; every mention with its sentence is in mentions.jsonl and newspipe.sqlite next to this page.']), box);
    }
    items.forEach(function (it) {
      box.appendChild(h('div', { class: 'kpi' }, [h('span', { class: 'kpi-value' }, typeof it[0] === 'number' ? fmt(it[0]) : it[0]),
        h('span', { class: 'kpi-label' }, it[1]), it[2] ? h('span', { class: 'kpi-note' }, it[2]) : null]));
    });
  }
  function renderOverview() {
    var box = byId('overview-timeline');
    var tl = new Timeline(box, { label: 'Mentions of named entities over time, by tone' });
    var dc = null;
    tl.redraw = function () {
      if (!laterReady) { tl.pending('Reading the mentions\u2026'); afterLater(tl.redraw); return; }
      if (!dc) dc = dayCounts(null);
      tl.draw(dc);
      if (laterError) tl.info.textContent = 'mentions unavailable: ' + laterError;
    };
    timelines.push(tl);
    tl.redraw();
    box.appendChild(h('p', { class: 'note' }, 'Mentions of named entities per publication ' + 'period (UTC), stacked by the tone of their sentence; below, the tone balance (bullish \u2212 bearish) / mentions. Empty periods had no mentions.'));
  }

  // ------------------------------------------------------------------ history: changes and trends
  /**
   * The history as the page compares it: tonight (the last night) against the previous run and
   * against the run a week before (the last run 7 to 13 nights earlier). Each night's figures are
   * that night's report; comparisons are night against night, which reads the same whether the
   * corpus grows night after night or holds only the night's news.
   */
  function historyView() {
    var H = raw.history;
    if (!H || !H.nights || H.nights.length < 2) return null;
    var nights = H.nights.map(parseIso), N = nights.length, last = N - 1, D = nights[last], week = -1;
    for (var k = 0; k < N; k++) if (D - nights[k] >= 7 && D - nights[k] <= 13) week = k;
    return { H: H, nights: nights, N: N, last: last, prevNight: last - 1, week: week };
  }
  function at(series, k) { return k >= 0 && series ? (series[k] || 0) : 0; }
  function itemButton(kind, key, text, known) {
    // An entity not among the first rows before the others are read: a button all the same (the
    // panel waits for them, and says so if it is not in this report).
    var exists = known || (kind === 'ticker' ? tickIndex.has(key) : entIndex.has(key) || !entitiesReady || entityIndex(key) !== undefined);
    if (!exists) return h('span', { title: 'not mentioned in this report' }, text);
    return h('button', { type: 'button', class: 'linkbtn' + (kind === 'ticker' ? ' sym' : ''), onclick: function () { openDetail(kind, key); } }, text);
  }
  function deltaText(a, b) {
    var d = a - b;
    return (d > 0 ? '+' : d < 0 ? '\u2212' : '\u00b1') + fmt(Math.abs(d)) + (b > 0 && d ? ' (' + (d >= 0 ? '+' : '\u2212') + Math.round(Math.abs(d) / b * 100) + '%)' : '');
  }
  function deltaSpan(a, b) {
    return h('span', { class: 'delta ' + (a > b ? 'pos' : a < b ? 'neg' : 'zero') }, fmt(b) + ' \u2192 ' + fmt(a) + '  ' + deltaText(a, b));
  }
  function renderChanges() {
    var box = byId('app-changes'), hv = historyView();
    if (!hv) { box.appendChild(h('div', { class: 'card' }, h('p', { class: 'empty' }, 'No history yet: the next nights will compare themselves with this one (history.sqlite beside the report folders).'))); return; }
    var H = hv.H;
    function balanceAt(S, i, k) { var m = at(S.mentions[i], k); return m ? (at(S.bullish[i], k) - at(S.bearish[i], k)) / m : null; }
    function card(title, cur, prev, subtitle) {
      var c = h('div', { class: 'card' }, [h('h3', null, title), h('p', { class: 'muted' }, subtitle)]);
      var kp = h('ul', { class: 'changes-list' });
      [['documents', H.documents], ['mentions', H.mentions]].forEach(function (x) {
        if (!x[1]) return;
        kp.appendChild(h('li', null, [h('span', null, x[0]), deltaSpan(at(x[1], cur), at(x[1], prev))]));
      });
      c.appendChild(kp);
      var T = H.tickers || { symbol: [] }, moves = [];
      for (var t = 0; t < T.symbol.length; t++) {
        var a = at(T.mentions[t], cur), b = at(T.mentions[t], prev);
        moves.push({ sym: T.symbol[t], a: a, b: b, d: a - b, ba: balanceAt(T, t, cur), bb: balanceAt(T, t, prev) });
      }
      function block(titleText, list, fmtFn) {
        if (!list.length) return;
        var ul = h('ul', { class: 'changes-list' });
        list.forEach(function (m) { ul.appendChild(fmtFn(m)); });
        c.appendChild(h('div', { class: 'change-block' }, [h('h4', null, titleText), ul]));
      }
      var rising = moves.filter(function (m) { return m.d > 0; }).sort(function (x, y) { return y.d - x.d || (x.sym < y.sym ? -1 : 1); }).slice(0, 6);
      var falling = moves.filter(function (m) { return m.d < 0; }).sort(function (x, y) { return x.d - y.d || (x.sym < y.sym ? -1 : 1); }).slice(0, 6);
      var tickerLine = function (m) { return h('li', null, [itemButton('ticker', m.sym, m.sym), deltaSpan(m.a, m.b)]); };
      block('Rising tickers (mentions)', rising, tickerLine);
      block('Falling tickers (mentions)', falling, tickerLine);
      var swings = moves.filter(function (m) { return m.ba !== null && m.bb !== null && m.a >= 5 && m.b >= 5 && Math.abs(m.ba - m.bb) >= 0.005; })
        .sort(function (x, y) { return Math.abs(y.ba - y.bb) - Math.abs(x.ba - x.bb) || (x.sym < y.sym ? -1 : 1); }).slice(0, 5);
      block('Tone swings (balance)', swings, function (m) {
        return h('li', null, [itemButton('ticker', m.sym, m.sym), h('span', { class: 'delta ' + toneClass(m.ba - m.bb) }, signed(m.bb) + ' \u2192 ' + signed(m.ba))]);
      });
      var E = H.entities || { id: [] }, fresh = [], gone = [];
      for (var e = 0; e < E.id.length; e++) {
        var ea = at(E.mentions[e], cur), eb = at(E.mentions[e], prev);
        if (ea > 0 && eb === 0) fresh.push({ id: E.id[e], name: E.name[e], a: ea });
        if (ea === 0 && eb > 0) gone.push({ id: E.id[e], name: E.name[e], b: eb });
      }
      fresh.sort(function (x, y) { return y.a - x.a || (x.id < y.id ? -1 : 1); });
      gone.sort(function (x, y) { return y.b - x.b || (x.id < y.id ? -1 : 1); });
      block('New entities', fresh.slice(0, 6), function (m) { return h('li', null, [itemButton('entity', m.id, String(m.name)), h('span', { class: 'delta' }, fmt(m.a) + ' mentions')]); });
      block('No longer mentioned', gone.slice(0, 4), function (m) { return h('li', null, [h('span', null, String(m.name)), h('span', { class: 'delta muted' }, 'had ' + fmt(m.b))]); });
      return c;
    }
    var names = H.nights;
    box.appendChild(card('Since the previous night', hv.last, hv.prevNight, 'The run of ' + names[hv.last] + ' against the run of ' + names[hv.prevNight] + '.'));
    if (hv.week >= 0) box.appendChild(card('Since a week before', hv.last, hv.week, 'The run of ' + names[hv.last] + ' against the run of ' + names[hv.week] + ', ' + (hv.nights[hv.last] - hv.nights[hv.week]) + ' nights earlier.'));
    else box.appendChild(h('div', { class: 'card' }, [h('h3', null, 'Since a week before'), h('p', { class: 'empty' }, 'No run 7 to 13 nights before this one to compare with.')]));
  }
  function sparkline(series, nights, D, days) {
    // One bar per calendar night of the last `days`; nights without a run are marked, not squeezed out.
    var W = 150, Hh = 30, bw = W / days, max = 1, byDay = new Map();
    for (var k = 0; k < nights.length; k++) if (nights[k] > D - days && nights[k] <= D) { byDay.set(nights[k], series[k] || 0); max = Math.max(max, series[k] || 0); }
    var svg = s('svg', { class: 'spark', width: W, height: Hh, viewBox: '0 0 ' + W + ' ' + Hh, 'aria-hidden': 'true' });
    var path = '', missing = '';
    for (var d = D - days + 1, i = 0; d <= D; d++, i++) {
      if (!byDay.has(d)) { missing += 'M' + (i * bw + bw / 2).toFixed(1) + ' ' + (Hh - 3) + 'h0.01'; continue; }
      var v = byDay.get(d), bh = v / max * (Hh - 2);
      if (v > 0) path += 'M' + (i * bw + 0.5).toFixed(1) + ' ' + Hh + 'v' + (-Math.max(1, bh)).toFixed(1) + 'h' + Math.max(1, bw - 1).toFixed(1) + 'V' + Hh + 'z';
    }
    var p = s('path', { d: path || 'M0 0' }); p.style.fill = '#0072B2'; svg.appendChild(p);
    var q = s('path', { d: missing || 'M0 0', 'stroke-linecap': 'round', 'stroke-width': '3' }); q.style.stroke = '#bcccdc'; svg.appendChild(q);
    svg.appendChild(s('line', { x1: 0, x2: W, y1: Hh - 0.5, y2: Hh - 0.5 })).style.stroke = '#e4e7eb';
    return svg;
  }
  function renderTrends() {
    var box = byId('app-trends'), hv = historyView();
    if (!hv) { box.appendChild(h('p', { class: 'empty' }, 'No history yet: trends appear after the second night.')); return; }
    var H = hv.H, D = hv.nights[hv.last], kindSeg = h('div', { class: 'seg', role: 'group', 'aria-label': 'Show' });
    var sortSel = h('select', { id: 'trend-sort', 'aria-label': 'Order' }, [h('option', { value: 'tonight' }, 'Most mentioned tonight'),
      h('option', { value: 'rising' }, 'Rising since a week before'), h('option', { value: 'falling' }, 'Falling since a week before'),
      h('option', { value: 'night' }, 'Biggest change since the previous night')]);
    var tableBox = h('div', { class: 'table-scroll' });
    var kind = 'tickers', runs30 = 0;
    for (var k = 0; k < hv.N; k++) if (hv.nights[k] > D - 30) runs30++;
    ['tickers', 'entities'].forEach(function (k) {
      kindSeg.appendChild(h('button', { type: 'button', class: 'btn', 'aria-pressed': k === kind ? 'true' : 'false', onclick: function () {
        kind = k; Array.prototype.forEach.call(kindSeg.children, function (b) { b.setAttribute('aria-pressed', b.textContent.toLowerCase() === k ? 'true' : 'false'); }); draw();
      } }, k.charAt(0).toUpperCase() + k.slice(1)));
    });
    sortSel.addEventListener('change', draw);
    box.appendChild(h('div', { class: 'controls' }, [kindSeg, h('label', { for: 'trend-sort' }, 'Order'), sortSel,
      h('span', { class: 'count' }, fmt(runs30) + ' runs in the 30 nights up to ' + H.nights[hv.last] + '; grey dots: nights without a run')]));
    box.appendChild(tableBox);
    function draw() {
      var S = kind === 'tickers' ? H.tickers : H.entities;
      if (!S) return;
      var keysArr = kind === 'tickers' ? S.symbol : S.id, rows = [];
      for (var i = 0; i < keysArr.length; i++) {
        var a = at(S.mentions[i], hv.last), p = at(S.mentions[i], hv.prevNight), w = hv.week >= 0 ? at(S.mentions[i], hv.week) : null;
        var bal = a ? (at(S.bullish[i], hv.last) - at(S.bearish[i], hv.last)) / a : null;
        rows.push({ i: i, a: a, p: p, w: w, dw: w === null ? 0 : a - w, dp: a - p, bal: bal });
      }
      var how = sortSel.value;
      rows.sort(how === 'rising' ? function (x, y) { return y.dw - x.dw || y.a - x.a; } : how === 'falling' ? function (x, y) { return x.dw - y.dw || y.a - x.a; }
        : how === 'night' ? function (x, y) { return Math.abs(y.dp) - Math.abs(x.dp) || y.a - x.a; } : function (x, y) { return y.a - x.a || y.p - x.p; });
      rows = rows.filter(function (r) { return r.a > 0 || r.p > 0 || (r.w || 0) > 0; }).slice(0, 25);
      var tbody = h('tbody');
      rows.forEach(function (r) {
        var key = keysArr[r.i], label = kind === 'tickers' ? key : String(S.name[r.i]);
        tbody.appendChild(h('tr', null, [h('th', { scope: 'row', class: kind === 'tickers' ? 'sym' : null }, itemButton(kind === 'tickers' ? 'ticker' : 'entity', key, label)),
          h('td', null, sparkline(S.mentions[r.i], hv.nights, D, 30)), h('td', { class: 'num' }, fmt(r.a)),
          h('td', { class: 'num' }, deltaText(r.a, r.p)), h('td', { class: 'num' }, r.w === null ? '\u2013' : deltaText(r.a, r.w)),
          h('td', { class: 'num' }, r.bal === null ? '\u2013' : h('span', { class: toneClass(r.bal) }, signed(r.bal)))]));
      });
      clear(tableBox).appendChild(h('table', { class: 'trend-table' }, [h('caption', { class: 'visually-hidden' }, '30-day trends of ' + kind),
        h('thead', null, h('tr', null, ['Name', 'Last 30 nights', 'Tonight', 'vs previous night', 'vs a week before', 'Tone tonight'].map(function (x, k) {
          return h('th', { scope: 'col', class: k >= 2 ? 'num' : null }, x);
        }))), tbody]));
    }
    draw();
  }

  // ------------------------------------------------------------------ detail panel
  var detail = byId('detail'), lastOpener = null;
  function openDetail(kind, key) {
    lastOpener = document.activeElement;
    state.entity = kind === 'entity' ? key : '';
    state.ticker = kind === 'ticker' ? key : '';
    state.doc = kind === 'doc' ? key : '';
    state.page = '1'; state.tone = ''; state.range = ''; state.mq = '';
    commit(true);
    renderDetail(true);
  }
  function closeDetail() {
    state.entity = state.ticker = state.doc = ''; state.page = '1'; state.tone = ''; state.range = ''; state.mq = '';
    commit(true);
    renderDetail(false);
    if (lastOpener && lastOpener.isConnected) lastOpener.focus();
  }
  // Escape closes the panel, from inside it or from anywhere else on the page.
  document.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Escape' || ev.defaultPrevented || detail.hidden) return;
    var search = byId('search-results');
    if (search && !search.hidden) return;
    ev.preventDefault();
    closeDetail();
  });

  function renderDetail(focus) {
    var kind = state.ticker ? 'ticker' : state.entity ? 'entity' : state.doc !== '' ? 'doc' : '';
    clear(detail);
    timelines = timelines.filter(function (t) { return !t.inDetail; });
    if (!kind) { detail.hidden = true; markCurrent(); return; }
    detail.hidden = false;
    var title = h('h2', { id: 'detail-title', tabindex: '-1' });
    var head = h('div', { class: 'detail-head' }, [title, h('button', { type: 'button', class: 'btn', onclick: closeDetail, 'aria-label': 'Close panel' }, 'Close \u2715')]);
    detail.appendChild(head);
    if (!laterReady) {
      // Opened before the mentions are read (a click right after the table appears, or a link
      // to a panel): say so, and draw the panel when they arrive.
      title.textContent = kind === 'ticker' ? state.ticker : kind === 'entity' ? (entityIndex(state.entity) !== undefined ? entName(entityIndex(state.entity)) : state.entity)
        : String(Dj.title[parseInt(state.doc, 10)] || state.doc);
      detail.appendChild(h('p', { class: 'muted', role: 'status' }, 'Reading the mentions\u2026'));
      afterLater(redrawDetail);
      markCurrent();
      if (focus) title.focus();
      return;
    }
    if (laterError) detail.appendChild(h('p', { class: 'error', role: 'note' }, 'The documents and mentions could not be read (' + laterError + '); every mention with its sentence is in mentions.jsonl and newspipe.sqlite next to this page.'));
    var ok = kind === 'doc' ? renderDoc(title) : renderSubject(kind, title);
    if (!ok) { title.textContent = 'Not in this report'; detail.appendChild(h('p', { class: 'empty' }, 'Nothing called \u201c' + (state.ticker || state.entity || state.doc) + '\u201d in this report.')); }
    markCurrent();
    mark('panel-rendered');
    if (focus) title.focus();
  }
  function redrawDetail() { renderDetail(detail.contains(document.activeElement)); }
  function markCurrent() { tabNames.forEach(function (t) { if (tables[t]) tables[t].vt.updateCurrent(); }); }

  function renderSubject(kind, title) {
    var idx = kind === 'ticker' ? tickIndex.get(state.ticker) : entityIndex(state.entity);
    if (idx === undefined) return false;
    var m, d, b, r, n, sitesN, first, last;
    if (kind === 'ticker') {
      title.appendChild(h('span', { class: 'sym' }, Tj.symbol[idx]));
      var then = tickStoryName[idx], now = Tj.company[idx];
      if (then || now) title.appendChild(document.createTextNode(' \u2014 ' + nameThenNow(then, now)));
      m = tickM[idx]; d = tickD[idx]; b = tickB[idx]; r = tickR[idx]; n = tickN[idx]; sitesN = tickS[idx]; first = tickFirst[idx]; last = tickLast[idx];
    } else {
      title.textContent = entName(idx);
      m = entM[idx]; d = entD[idx]; b = entB[idx]; r = entR[idx]; n = entN[idx]; sitesN = entS[idx]; first = entFirst[idx]; last = entLast[idx];
    }
    var meta = h('p', { class: 'muted' });
    if (kind === 'entity') {
      append(meta, [h('span', { class: 'type-' + typeName(entType[idx]) }, typeName(entType[idx])), ' \u00b7 ', h('code', null, String(Ej.id[idx]))]);
      if (entTicker[idx] >= 0) { var ts = Tj.symbol[entTicker[idx]]; append(meta, [' \u00b7 ticker ', itemButton('ticker', ts, ts)]); }
    } else {
      append(meta, 'Mentions of the symbol and of its company');
      if (tickEnt[idx] >= 0) append(meta, [' (', itemButton('entity', Ej.id[tickEnt[idx]], entName(tickEnt[idx]), true), ')']);
    }
    detail.appendChild(meta);
    detail.appendChild(h('div', { class: 'stats' }, [
      h('span', null, [h('b', null, fmt(m)), ' mentions']), h('span', null, [h('b', null, fmt(d)), ' documents']), h('span', null, [h('b', null, fmt(sitesN)), ' sites']),
      h('span', { class: 'tone-b' }, [h('b', null, fmt(b)), ' bullish']), h('span', { class: 'tone-r' }, [h('b', null, fmt(r)), ' bearish']),
      h('span', null, [h('b', null, fmt(n)), ' neutral']), h('span', null, ['balance ', balanceCell(b, r, m)]),
      h('span', { class: 'muted' }, (first !== NODAY ? iso(first) : '?') + ' \u2013 ' + (last !== NODAY ? iso(last) : '?'))]));
    var list = mentionsOf(kind === 'ticker' ? 't' : 'e', idx);
    // Names the stories used (groups), most mentioned first.
    var gs = [];
    if (kind === 'ticker') for (var k = tickGroupStart[idx]; k < tickGroupStart[idx + 1]; k++) gs.push(tickGroups[k]);
    else for (k = entGroupStart[idx]; k < entGroupStart[idx + 1]; k++) gs.push(k);
    var nameCounts = new Map();
    gs.forEach(function (g) { if (gName[g] >= 0) nameCounts.set(gName[g], (nameCounts.get(gName[g]) || 0) + gFirst[g + 1] - gFirst[g]); });
    if (nameCounts.size) {
      var parts = Array.from(nameCounts.entries()).sort(function (x, y) { return y[1] - x[1]; }).slice(0, 12)
        .map(function (x) { return String(storyNames[x[0]]) + ' (' + fmt(x[1]) + ')'; });
      detail.appendChild(h('p', { class: 'names' }, ['Named in the stories as: ', parts.join(', '),
        kind === 'ticker' && Tj.company[idx] ? ' \u00b7 today: ' + Tj.company[idx] : '']));
    }
    detail.appendChild(h('p', null, h('button', { type: 'button', class: 'btn', onclick: function () {
      state.with = kind + ':' + (kind === 'ticker' ? Tj.symbol[idx] : Ej.id[idx]); state.tab = 'documents';
      state.dq = ''; state.entity = state.ticker = ''; commit(true); renderDetail(false); showTab('documents'); tables.documents.refresh();
      byId('sec-tables').scrollIntoView(); byId('tab-documents').focus();
    } }, 'List its ' + fmt(d) + ' documents in the table')));
    // Timeline of this subject; a click filters the mentions below to the bucket.
    var tlBox = h('div', { class: 'card' });
    detail.appendChild(tlBox);
    var tl = new Timeline(tlBox, { label: 'Mentions over time', selectable: true, onSelect: function (range) {
      state.range = range ? range[0] + '..' + range[1] : ''; state.page = '1'; commit(false); tl.redraw(); drawList();
    } });
    tl.inDetail = true;
    var dc = dayCounts(list);
    tl.redraw = function () { tl.draw(dc); };
    timelines.push(tl);
    tl.redraw();
    // Mention filters and list.
    var toneSel = h('select', { id: 'mtone', 'aria-label': 'Tone' }, [h('option', { value: '' }, 'Any tone'), h('option', { value: 'b' }, 'Bullish'),
      h('option', { value: 'r' }, 'Bearish'), h('option', { value: 'n' }, 'Neutral')]);
    toneSel.value = state.tone;
    var mq = h('input', { type: 'search', id: 'mq', 'aria-label': 'Filter mentions by words in the sentence, title or site', placeholder: 'Words in sentence, title, site', value: state.mq });
    var chip = h('span');
    var status = h('span', { class: 'count', 'aria-live': 'polite' });
    detail.appendChild(h('h3', { style: null }, 'Mentions'));
    detail.appendChild(h('div', { class: 'controls' }, [toneSel, mq, chip, status]));
    var ol = h('ol', { class: 'mentions' }), pager = h('div', { class: 'pager' });
    detail.appendChild(ol);
    detail.appendChild(pager);
    toneSel.addEventListener('change', function () { state.tone = toneSel.value; state.page = '1'; commit(false); drawList(); });
    debounceInput(mq, function () { state.mq = mq.value; state.page = '1'; commit(false); drawList(); });
    function drawList() {
      var tone = state.tone ? TONES.indexOf(state.tone) : -1, range = parseRange(state.range), q = state.mq.trim().toLowerCase();
      var sentArr = q ? getSentences() : null, titles = q ? lowerKeys('doc') : null, filtered = [];
      if (q && !sentArr) { sentArr = []; whenSentences(function () { if (state.mq) drawList(); }); }
      for (var k = 0; k < list.length; k++) {
        var x = list[k];
        if (tone >= 0 && mTone[x] !== tone) continue;
        if (range) { var dd = docDay[mDoc[x]]; if (dd === NODAY || dd < range[0] || dd > range[1]) continue; }
        if (q) {
          var sent = mSent[x] >= 0 ? sentArr[docSentFirst[mDoc[x]] + mSent[x]] : null;
          if (!(sent && String(sent).toLowerCase().indexOf(q) >= 0) && titles[mDoc[x]].indexOf(q) < 0) continue;
        }
        filtered.push(x);
      }
      clear(chip);
      if (range) chip.appendChild(h('span', { class: 'chip' }, [iso(range[0]) + (range[1] > range[0] ? ' \u2013 ' + iso(range[1]) : ''),
        h('button', { type: 'button', class: 'linkbtn', 'aria-label': 'Remove date filter', onclick: function () { tl.opts.onSelect(null); } }, '\u2715')]));
      var pages = Math.max(1, Math.ceil(filtered.length / PAGE)), page = Math.min(pages, Math.max(1, parseInt(state.page, 10) || 1));
      var from = (page - 1) * PAGE, to = Math.min(filtered.length, from + PAGE);
      status.textContent = filtered.length ? 'Mentions ' + fmt(from + 1) + '\u2013' + fmt(to) + ' of ' + fmt(filtered.length) + ', newest first' : 'No mentions match.';
      renderMentions(ol, filtered.slice(from, to), kind === 'ticker' ? idx : -1);
      clear(pager);
      var prev = h('button', { type: 'button', class: 'btn', disabled: page <= 1, onclick: function () { state.page = String(page - 1); commit(false); drawList(); ol.scrollIntoView(); } }, '\u2039 Newer');
      var next = h('button', { type: 'button', class: 'btn', disabled: page >= pages, onclick: function () { state.page = String(page + 1); commit(false); drawList(); ol.scrollIntoView(); } }, 'Older \u203a');
      append(pager, [prev, h('span', null, 'Page ' + fmt(page) + ' of ' + fmt(pages)), next]);
      mark('mentions-rendered');
    }
    drawList();
    return true;
  }

  /** Why a mention shows no sentence. */
  function noSentence(x) {
    if (sentences === null) return 'Loading the sentence\u2026';
    if (sentenceError) return '(sentences unavailable: ' + sentenceError + ')';
    if (x >= 0 && mSent[x] < 0) return '(the article text was not available to the report)';
    return '(sentence left out of this page to bound its size; see mentions.jsonl)';
  }
  /** One <li> per mention: date, site, tone, name then [now], the sentence with the mention marked, the article. */
  function renderMentions(ol, items, tickerIdx) {
    clear(ol);
    var sent = getSentences(), groups = mentionGroups();
    if (!sent) { waitForSentences(); sent = []; }
    items.forEach(function (x) {
      var doc = mDoc[x], g = groups[x], text = mSent[x] >= 0 ? sent[docSentFirst[doc] + mSent[x]] : null;
      var li = h('li', { 'data-m': String(x) });
      var tone = mTone[x];
      var metaParts = [h('time', { datetime: iso(docDay[doc]) || null }, docDay[doc] === NODAY ? 'undated' : iso(docDay[doc])),
        h('span', null, sites[docSite[doc]] || 'unknown site'), h('span', { class: 'badge ' + TONES[tone] }, TONE_NAMES[tone])];
      if (gName[g] >= 0) {
        var now = tickerIdx >= 0 ? Tj.company[tickerIdx] : (gTick[g] >= 0 ? Tj.company[gTick[g]] : null);
        metaParts.push(h('span', null, 'as ' + nameThenNow(storyNames[gName[g]], now)));
      } else if (gTick[g] >= 0) metaParts.push(h('span', null, 'symbol ' + Tj.symbol[gTick[g]]));
      if (tickerIdx < 0 && gEnt[g] >= 0 && Ej.id[gEnt[g]] !== state.entity) metaParts.push(h('span', null, entName(gEnt[g])));
      if (mEvid[x] >= 0 && evidenceNames[mEvid[x]]) metaParts.push(h('span', { class: 'evidence', title: 'why the entities stage linked this mention' }, 'linked by ' + evidenceNames[mEvid[x]]));
      li.appendChild(h('div', { class: 'm-meta' }, metaParts));
      var p = h('p', { class: 'm-sent' });
      if (typeof text === 'string') p.appendChild(highlighted(text, [[mStart[x], mLen[x]]]));
      else p.appendChild(h('span', { class: 'muted' }, noSentence(x)));
      li.appendChild(p);
      var u = safeUrl(Dj.url[doc]), titleText = String(Dj.title[doc] || '(untitled)');
      li.appendChild(h('div', { class: 'm-link' }, [u ? h('a', { href: u, rel: 'noopener noreferrer nofollow', target: '_blank' }, titleText + ' \u2197') : h('span', null, titleText),
        ' \u00b7 ', h('button', { type: 'button', class: 'linkbtn', onclick: function () { openDetail('doc', String(doc)); } }, 'all entities in this document')]));
      ol.appendChild(li);
    });
  }

  function renderDoc(title) {
    var d = parseInt(state.doc, 10);
    if (!(d >= 0 && d < nDocs)) return false;
    title.textContent = String(Dj.title[d] || '(untitled)');
    var u = safeUrl(Dj.url[d]);
    detail.appendChild(h('p', { class: 'muted' }, [sites[docSite[d]] || 'unknown site', ' \u00b7 ', docDay[d] === NODAY ? 'undated' : iso(docDay[d]),
      bylines[docByline[d]] ? ' \u00b7 by ' + bylines[docByline[d]] : '', languages[docLang[d]] ? ' \u00b7 ' + languages[docLang[d]] : '',
      ' \u00b7 ' + fmt(docWords[d]) + ' words', docMirrors[d] ? ' \u00b7 ' + fmt(docMirrors[d]) + ' mirror' + (docMirrors[d] === 1 ? '' : 's') + ' removed, carried by ' + fmt(docCarriers[d]) + ' site' + (docCarriers[d] === 1 ? '' : 's') : '']));
    if (Dj.id) detail.appendChild(h('p', { class: 'muted small' }, ['document id ', h('code', null, String(Dj.id[d]))]));
    detail.appendChild(h('p', null, u ? h('a', { href: u, rel: 'noopener noreferrer nofollow', target: '_blank' }, 'Open the article \u2197') :
      h('span', { class: 'muted' }, 'No http(s) link: ' + String(Dj.url[d] || 'none'))));
    var ms = docMentions(d), groups = mentionGroups(), perEnt = new Map();
    for (var k = 0; k < ms.length; k++) { var e = gEnt[groups[ms[k]]]; perEnt.set(e, (perEnt.get(e) || 0) + 1); }
    var ents = h('div', { class: 'doc-ents' });
    Array.from(perEnt.entries()).sort(function (x, y) { return y[1] - x[1] || x[0] - y[0]; }).forEach(function (x) {
      ents.appendChild(h('span', { class: 'chip' }, [itemButton('entity', Ej.id[x[0]], entName(x[0]), true), h('small', null, '\u00d7' + x[1])]));
    });
    detail.appendChild(h('h3', null, 'Entities (' + fmt(perEnt.size) + ')'));
    detail.appendChild(ents);
    detail.appendChild(h('h3', { style: null }, 'Sentences with mentions'));
    var bySent = new Map();
    for (k = 0; k < ms.length; k++) { var x = ms[k]; if (!bySent.has(mSent[x])) bySent.set(mSent[x], []); bySent.get(mSent[x]).push(x); }
    var sent = getSentences(), ol = h('ol', { class: 'mentions' });
    if (!sent) { waitForSentences(); sent = []; }
    Array.from(bySent.keys()).sort(function (a, b) { return a - b; }).forEach(function (si) {
      var xs = bySent.get(si), text = si >= 0 ? sent[docSentFirst[d] + si] : null;
      var li = h('li', { 'data-doc': String(d), 'data-sentence': String(si) });
      li.appendChild(h('div', { class: 'm-meta' }, xs.map(function (x) {
        return h('span', { class: 'badge ' + TONES[mTone[x]], title: TONE_NAMES[mTone[x]] }, entName(gEnt[groups[x]]));
      })));
      var p = h('p', { class: 'm-sent' });
      if (typeof text === 'string') p.appendChild(highlighted(text, xs.map(function (x) { return [mStart[x], mLen[x]]; })));
      else p.appendChild(h('span', { class: 'muted' }, noSentence(si >= 0 ? -1 : xs[0])));
      li.appendChild(p);
      ol.appendChild(li);
    });
    detail.appendChild(ol);
    mark('mentions-rendered');
    return true;
  }

  // ------------------------------------------------------------------ global search (combobox)
  function setupSearch() {
    var input = byId('search'), listbox = byId('search-results'), options = [], active = -1, timer = 0;
    function close() { listbox.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); active = -1; }
    function setActive(k) {
      if (!options.length) return;
      active = (k + options.length) % options.length;
      options.forEach(function (o, j) { o.li.setAttribute('aria-selected', j === active ? 'true' : 'false'); });
      input.setAttribute('aria-activedescendant', options[active].li.id);
      options[active].li.scrollIntoView({ block: 'nearest' });
    }
    function choose(o) { close(); o.go(); }
    function run() {
      var q = input.value.trim().toLowerCase();
      clear(listbox); options = [];
      if (!q) { close(); return; }
      var found = 0;
      function group(label) { listbox.appendChild(h('li', { class: 'group', role: 'presentation' }, label)); }
      function option(kind, text, extra, go) {
        var li = h('li', { role: 'option', id: 'sr-' + options.length, 'aria-selected': 'false' }, [h('span', { class: 'kind' }, kind), h('span', { class: kind === 'ticker' ? 'sym' : null }, text), extra ? h('span', { class: 'extra' }, extra) : null]);
        var o = { li: li, go: go };
        li.addEventListener('mousedown', function (ev) { ev.preventDefault(); choose(o); });
        options.push(o); listbox.appendChild(li); found++;
      }
      var tk = lowerKeys('tick'), hits = [];
      for (var t = 0; t < nTick && hits.length < 200; t++) { var pos = tk[t].indexOf(q); if (pos >= 0) hits.push([t, pos === 0 ? 0 : 1]); }
      hits.sort(function (a, b) { return a[1] - b[1] || a[0] - b[0]; });
      if (hits.length) group('Tickers');
      hits.slice(0, 6).forEach(function (x) { var t = x[0]; option('ticker', Tj.symbol[t], nameThenNow(tickStoryName[t], Tj.company[t]) + ' \u00b7 ' + fmt(tickM[t]) + ' mentions', function () { openDetail('ticker', Tj.symbol[t]); }); });
      var ek = lowerKeys('ent'), ehits = [];
      for (var e = 0; e < nEnt && ehits.length < 6; e++) if (ek[e].indexOf(q) >= 0) ehits.push(e);
      // Before every entity is read: the most mentioned only, saying so; run again when they are.
      if (!entitiesReady) { group('Entities (reading all ' + fmt(nEntAll) + '\u2026)'); afterEntities(rerun); }
      else if (ehits.length) group('Entities');
      ehits.forEach(function (e) { option('entity', entName(e), typeName(entType[e]) + ' \u00b7 ' + fmt(entM[e]) + ' mentions', function () { openDetail('entity', Ej.id[e]); }); });
      var dk = laterReady ? lowerKeys('doc') : [], dhits = [], dcount = 0;
      if (!laterReady) { group('Documents (reading\u2026)'); afterLater(rerun); }
      for (var d = nDocs - 1; d >= 0; d--) if (dk[d].indexOf(q) >= 0) { dcount++; if (dhits.length < 6) dhits.push(d); }
      if (dhits.length) group('Documents (' + fmt(dcount) + ')');
      dhits.forEach(function (d) { option('document', String(Dj.title[d] || '(untitled)'), (sites[docSite[d]] || '') + ' \u00b7 ' + iso(docDay[d]), function () { openDetail('doc', String(d)); }); });
      if (dcount > dhits.length) option('all', 'Show all ' + fmt(dcount) + ' matching documents', null, function () {
        state.tab = 'documents'; state.dq = input.value.trim(); state.with = ''; commit(false); showTab('documents'); tables.documents.refresh();
        byId('sec-tables').scrollIntoView(); byId('tab-documents').focus();
      });
      if (!found && laterReady && entitiesReady) listbox.appendChild(h('li', { class: 'group', role: 'presentation' }, 'Nothing found'));
      listbox.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      active = -1;
    }
    function rerun() { if (!listbox.hidden && input.value.trim()) run(); }
    input.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(run, 120); });
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'ArrowDown') { ev.preventDefault(); if (listbox.hidden) run(); setActive(active + 1); }
      else if (ev.key === 'ArrowUp') { ev.preventDefault(); setActive(active - 1); }
      else if (ev.key === 'Enter') { ev.preventDefault(); clearTimeout(timer); if (listbox.hidden || !options.length) run(); if (options.length) choose(options[Math.max(0, active)]); }
      else if (ev.key === 'Escape') { if (!listbox.hidden) { ev.preventDefault(); close(); } }
    });
    input.addEventListener('blur', function () { setTimeout(close, 150); });
  }

  // ------------------------------------------------------------------ boot
  function boot() {
    watchLater();
    state = readHash();
    setupTabs();
    renderKpis();
    showTab(state.tab);
    byId('app').hidden = false;
    byId('static').hidden = true;
    mark('first-table');
    requestAnimationFrame(function () { setTimeout(function () { mark('first-paint'); }, 0); });
    renderDetail(false);
    renderOverview();
    setupSearch();
    try { renderChanges(); } catch (e) { byId('app-changes').appendChild(h('p', { class: 'error' }, 'Could not show the changes: ' + e.message)); }
    try { renderTrends(); } catch (e) { byId('app-trends').appendChild(h('p', { class: 'error' }, 'Could not show the trends: ' + e.message)); }
    mark('boot-done');
    var idle = window.requestIdleCallback || function (fn) { return setTimeout(fn, 50); };
    var parseLater = function () { idle(function () { loadSentences(); }, { timeout: 1000 }); };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', parseLater); else parseLater();
    // In-page links (skip link, section links) scroll without touching the state in the hash.
    document.addEventListener('click', function (ev) {
      var a = ev.target.closest ? ev.target.closest('a[href^="#"]') : null;
      if (!a) return;
      var target = byId(a.getAttribute('href').slice(1));
      if (!target) return;
      ev.preventDefault();
      target.scrollIntoView();
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: true });
    });
    window.addEventListener('hashchange', function () {
      if (location.hash === writtenHash) { writtenHash = null; return; }
      // A plain anchor (#sec-tables) is not state: leave the view as it is.
      if (location.hash.length > 1 && location.hash.indexOf('=') < 0) return;
      writtenHash = null;
      var before = state;
      state = readHash();
      var tabChanged = before.tab !== state.tab;
      showTab(state.tab);
      tabNames.forEach(function (t) {
        if (!built[t]) return;
        var f = { tickers: ['tq', 'ts'], entities: ['eq', 'es', 'type'], documents: ['dq', 'ds', 'lang', 'from', 'to', 'with'] }[t];
        if (f.some(function (k) { return before[k] !== state[k]; }) || (tabChanged && t === state.tab)) tables[t].refresh();
      });
      if (['entity', 'ticker', 'doc', 'page', 'tone', 'range', 'mq'].some(function (k) { return before[k] !== state[k]; })) renderDetail(false);
      if (before.bucket !== state.bucket) redrawTimelines();
    });
    var resizeTimer = 0;
    window.addEventListener('resize', function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(redrawTimelines, 200); });
  }

  try {
    boot();
  } catch (err) {
    // Leave the static report in view and say what went wrong.
    document.documentElement.classList.add('report-failed');
    byId('static').hidden = false;
    var app = byId('app');
    app.hidden = true;
    var note = h('div', { class: 'wrap' }, h('p', { class: 'error', role: 'alert' }, 'The interactive view could not start (' + String(err && err.message || err) + '); the static report follows.'));
    document.body.insertBefore(note, byId('static'));
    window.__report.error = String(err && err.stack || err);
  }
})();
"""#
}
