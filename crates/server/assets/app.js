/*
 * rasd web UI: a hand-written single-page app over the JSON API (/api/v1, see crates/server/API.md).
 *
 * Rules this file keeps:
 * - Everything the API returns is untrusted (scraped news). The DOM is built with createElement and
 *   textContent only (the h()/svg() helpers below); no innerHTML, no eval. URL parameters go
 *   through encodeURIComponent; hrefs are checked by safeHref().
 * - No network beyond this server: no CDN, no web fonts; the world map is /assets/countries-110m.json.
 * - Arabic data is always put in elements with lang="ar" and dir="auto"/"rtl".
 *
 * Routes (location.hash): #/  #/story/ID  #/entity/ID  #/article/ID  #/events?…  #/search?q=…  #/entities?q=…
 */
'use strict';
(function () {
  // ---------------------------------------------------------------- i18n

  const STR = {
    en: {
      nav_stories: 'Stories', nav_events: 'Events', nav_entities: 'Entities',
      search_label: 'Search articles', search_placeholder: 'Search articles, names…', search_button: 'Search',
      lang_other: 'العربية', lang_switch: 'التبديل إلى العربية',
      footer: 'rasd — offline Arabic news intelligence.', notice: 'Map data: Natural Earth (public domain), via world-atlas (ISC).', skip: 'Skip to content',
      loading: 'Loading…', more: 'More', error: 'Error', err_network: 'The server could not be reached.',
      not_found: 'Page not found.', empty: 'Nothing here.',
      stats: '{0} articles ({1} pages) · {2} stories · {3} entities · {4} events · published {5} – {6}',
      stats_sources: 'Sources', sort: 'Sort', sort_size: 'Largest', sort_recent: 'Most recent',
      n_articles: '{0} articles', n_sources: '{0} sources', n_events: '{0} events', n_mentions: '{0} mentions',
      n_articles_1: '1 article', n_sources_1: '1 source', n_events_1: '1 event', n_mentions_1: '1 mention',
      front_title: 'Stories', no_stories: 'No stories yet. Ingest some news with `rasd ingest`.',
      story: 'Story', span: 'Span', sources: 'Sources', top_terms: 'Top words',
      timeline: 'Timeline', timeline_none: 'No dated events in this story.',
      before_span: 'Earlier events mentioned in the coverage ({0})', after_span: 'Later events mentioned ({0})',
      undated: 'Undated events ({0})', show_all_events: 'Show all {0} events',
      map: 'Places', map_none: 'No located places.', map_caption: 'Red circles: where the story’s events happened (size: number of events); grey dots: other places its articles name. Map data: Natural Earth.',
      graph: 'Actors', graph_none: 'No actor interactions.',
      graph_caption: 'Nodes: actors (size by events). Edges: events from source to target, coloured by type, width by count.',
      graph_capped: 'Showing the {0} most active of {1} actors.',
      articles: 'Articles', copies: '+{0} copies', copy1: '+1 copy', linked: 'Linked stories', shared: '{0} shared',
      date_text: 'date from text', date_published: 'publication date', date_crawled: 'crawl date',
      article_n: 'article {0}', more_reports: '{0} more reports',
      intent: 'intent', negated: 'negated', unknown_actor: '?',
      article: 'Article', kind: 'Kind', kind_page: 'page', kind_appended: 'item appended to a page', kind_part: 'part of an over-long article',
      source: 'Source', publisher: 'Publisher', author: 'Author', published: 'Published', crawled: 'Crawled',
      url: 'URL', appended_to: 'Appended to', exact_dup: 'Exact duplicate of', appended: 'Appended items',
      near_dups: 'Near-duplicates', jaccard: 'similarity {0}', related: 'Related articles', text: 'Text',
      legend: 'Legend', lg_time: 'time expression', lg_event: 'event trigger',
      field_title: 'Title', field_body: 'Body', field_summary: 'Summary', field_caption: 'Caption',
      entity: 'Entity', type: 'Type', country: 'Country', sector: 'Sector', coords: 'Coordinates',
      evidence: 'evidence:', variants: 'Spellings', count: 'Count', roles: 'Roles over time', role: 'Role', date: 'Date',
      co_actors: 'Co-occurring actors', events: 'Events', all_events: 'All events of this actor',
      contexts: 'Mentions in context', stories: 'Stories', mentions: 'Mentions', num_articles: 'Articles',
      PER: 'Person', ORG: 'Organization', LOC: 'Place', MISC: 'Other',
      events_title: 'Events', f_type: 'Type (several with Ctrl/Shift)', f_actor: 'Actor', f_country: 'Country (ISO3)',
      f_place: 'Place', f_since: 'Since (YYYY-MM-DD)', f_until: 'Until (YYYY-MM-DD)', f_story: 'Story',
      f_apply: 'Apply', f_reset: 'Reset', f_remove: 'remove', export: 'Export', events_none: 'No events match.',
      col_date: 'Date', col_type: 'Type', col_actors: 'Source → target', col_place: 'Place',
      col_reports: 'Reports', col_articles: 'Articles', col_sentence: 'Sentence',
      search_title: 'Search', search_total: '{0} results for', search_capped: 'more than {0} results for',
      also_searched: 'also searched:', search_none: 'No articles match.', search_empty: 'Type a word or a name to search.',
      field: '{0}',
      entities_title: 'Entities', f_q: 'Name (any spelling)', f_sort: 'Sort', sort_mentions: 'Mentions', sort_name: 'Name',
      all_types: 'All types', entities_none: 'No entities match.',
      type_names: {}
    },
    ar: {
      nav_stories: 'القصص', nav_events: 'الأحداث', nav_entities: 'الكيانات',
      search_label: 'البحث في المقالات', search_placeholder: 'ابحث عن كلمة أو اسم…', search_button: 'بحث',
      lang_other: 'English', lang_switch: 'Switch to English',
      footer: 'رصد — استخبارات الأخبار العربية دون اتصال.', notice: 'بيانات الخريطة: Natural Earth (ملك عام)، عبر world-atlas (ISC).', skip: 'انتقل إلى المحتوى',
      loading: 'جارٍ التحميل…', more: 'المزيد', error: 'خطأ', err_network: 'تعذّر الوصول إلى الخادم.',
      not_found: 'الصفحة غير موجودة.', empty: 'لا شيء هنا.',
      stats: 'المقالات: {0} (الصفحات: {1}) · القصص: {2} · الكيانات: {3} · الأحداث: {4} · النشر: {5} – {6}',
      stats_sources: 'المصادر', sort: 'الترتيب', sort_size: 'الأكبر', sort_recent: 'الأحدث',
      n_articles: 'المقالات: {0}', n_sources: 'المصادر: {0}', n_events: 'الأحداث: {0}', n_mentions: 'الإشارات: {0}',
      front_title: 'القصص', no_stories: 'لا توجد قصص بعد. أدخل أخباراً بالأمر rasd ingest.',
      story: 'قصة', span: 'المدة', sources: 'المصادر', top_terms: 'أبرز الكلمات',
      timeline: 'الخط الزمني', timeline_none: 'لا أحداث مؤرخة في هذه القصة.',
      before_span: 'أحداث سابقة ورد ذكرها في التغطية ({0})', after_span: 'أحداث لاحقة ورد ذكرها ({0})',
      undated: 'أحداث غير مؤرخة ({0})', show_all_events: 'عرض الأحداث كلها ({0})',
      map: 'الأماكن', map_none: 'لا أماكن محددة الموقع.', map_caption: 'الدوائر الحمراء: أماكن أحداث القصة (الحجم حسب عدد الأحداث)؛ النقاط الرمادية: أماكن أخرى ذكرتها مقالاتها. بيانات الخريطة: Natural Earth.',
      graph: 'الفاعلون', graph_none: 'لا تفاعلات بين الفاعلين.',
      graph_caption: 'العُقد: الفاعلون (الحجم حسب عدد الأحداث). الروابط: أحداث من المصدر إلى الهدف، ملونة حسب النوع، وعرضها حسب العدد.',
      graph_capped: 'يُعرض أنشط {0} من أصل {1} فاعلاً.',
      articles: 'المقالات', copies: '+{0} نسخ', copy1: '+نسخة واحدة', linked: 'قصص مرتبطة', shared: 'مشترك: {0}',
      date_text: 'التاريخ من النص', date_published: 'تاريخ النشر', date_crawled: 'تاريخ الجمع',
      article_n: 'المقال {0}', more_reports: 'تقارير أخرى: {0}',
      intent: 'نية', negated: 'منفي', unknown_actor: '؟',
      article: 'مقال', kind: 'النوع', kind_page: 'صفحة', kind_appended: 'مادة ملحقة بصفحة', kind_part: 'جزء من مقال طويل',
      source: 'المصدر', publisher: 'الناشر', author: 'الكاتب', published: 'تاريخ النشر', crawled: 'تاريخ الجمع',
      url: 'الرابط', appended_to: 'ملحق بـ', exact_dup: 'نسخة مطابقة من', appended: 'المواد الملحقة',
      near_dups: 'نسخ شبه مطابقة', jaccard: 'التشابه {0}', related: 'مقالات ذات صلة', text: 'النص',
      legend: 'مفتاح الألوان', lg_time: 'تعبير زمني', lg_event: 'فعل الحدث',
      field_title: 'العنوان', field_body: 'المتن', field_summary: 'الملخص', field_caption: 'تعليق الصورة',
      entity: 'كيان', type: 'النوع', country: 'البلد', sector: 'القطاع', coords: 'الإحداثيات',
      evidence: 'الدليل:', variants: 'صيغ الكتابة', count: 'العدد', roles: 'الأدوار عبر الزمن', role: 'الدور', date: 'التاريخ',
      co_actors: 'فاعلون مشاركون', events: 'الأحداث', all_events: 'كل أحداث هذا الفاعل',
      contexts: 'الإشارات في سياقها', stories: 'القصص', mentions: 'الإشارات', num_articles: 'المقالات',
      PER: 'شخص', ORG: 'منظمة', LOC: 'مكان', MISC: 'أخرى',
      events_title: 'الأحداث', f_type: 'النوع (عدة أنواع مع Ctrl/Shift)', f_actor: 'الفاعل', f_country: 'البلد (ISO3)',
      f_place: 'المكان', f_since: 'منذ (YYYY-MM-DD)', f_until: 'حتى (YYYY-MM-DD)', f_story: 'القصة',
      f_apply: 'تطبيق', f_reset: 'إعادة ضبط', f_remove: 'إزالة', export: 'تصدير', events_none: 'لا أحداث مطابقة.',
      col_date: 'التاريخ', col_type: 'النوع', col_actors: 'المصدر ← الهدف', col_place: 'المكان',
      col_reports: 'التقارير', col_articles: 'المقالات', col_sentence: 'الجملة',
      search_title: 'بحث', search_total: 'عدد النتائج: {0} عن', search_capped: 'أكثر من {0} نتيجة عن',
      also_searched: 'بُحث أيضاً عن:', search_none: 'لا مقالات مطابقة.', search_empty: 'اكتب كلمة أو اسماً للبحث.',
      field: '{0}',
      entities_title: 'الكيانات', f_q: 'الاسم (بأي صيغة)', f_sort: 'الترتيب', sort_mentions: 'الإشارات', sort_name: 'الاسم',
      all_types: 'كل الأنواع', entities_none: 'لا كيانات مطابقة.'
    }
  };

  // The 18 PLOVER event types (rasd's order), their colours (cooperative: greens/blues,
  // conflictual: oranges/reds) and Arabic names.
  const PLOVER = [
    ['AGREE', '#2e7d32', 'اتفاق'], ['CONSULT', '#1565c0', 'تشاور'], ['SUPPORT', '#00897b', 'دعم'],
    ['CONCEDE', '#7cb342', 'تنازل'], ['COOPERATE', '#43a047', 'تعاون'], ['AID', '#0097a7', 'مساعدة'],
    ['RETREAT', '#8d6e63', 'تراجع'], ['INVESTIGATE', '#5e35b1', 'تحقيق'], ['DEMAND', '#8e24aa', 'مطالبة'],
    ['DISAPPROVE', '#f9a825', 'استنكار'], ['REJECT', '#ef6c00', 'رفض'], ['THREATEN', '#d84315', 'تهديد'],
    ['PROTEST', '#c0ca33', 'احتجاج'], ['CRIME', '#6d4c41', 'جريمة'], ['SANCTION', '#ad1457', 'عقوبات'],
    ['MOBILIZE', '#546e7a', 'حشد'], ['COERCE', '#c62828', 'إكراه'], ['ASSAULT', '#7f0000', 'اعتداء']
  ];
  const TYPE_COLOR = Object.fromEntries(PLOVER.map(([k, c]) => [k, c]));
  const TYPE_AR = Object.fromEntries(PLOVER.map(([k, , a]) => [k, a]));
  const ENT_COLOR = { PER: '#1565c0', ORG: '#6a1b9a', LOC: '#2e7d32', MISC: '#8d6e63' };

  let LANG = 'en';
  try { if (localStorage.getItem('rasd.lang') === 'ar') LANG = 'ar'; } catch (e) { /* storage disabled */ }

  /** Translates key, filling {0}, {1}… with args. */
  function t(key, ...args) {
    let s = STR[LANG][key];
    if (s === undefined) s = STR.en[key];
    if (s === undefined) s = key;
    return s.replace(/\{(\d+)\}/g, (m, i) => (args[+i] === undefined || args[+i] === null ? '' : String(args[+i])));
  }
  /** A count: the key's singular form (key_1) for 1 where the language has one. */
  function tn(key, n) { return n === 1 && STR[LANG][key + '_1'] ? t(key + '_1') : t(key, n); }
  function typeName(type) { return LANG === 'ar' && TYPE_AR[type] ? TYPE_AR[type] : type; }

  // ---------------------------------------------------------------- DOM helpers (no HTML parsing, ever)

  /** Only in-app hashes, same-origin paths and http(s) URLs may become hrefs. */
  function safeHref(v) {
    const s = String(v);
    if (s.startsWith('#') || (s.startsWith('/') && !s.startsWith('//'))) return s;
    if (/^https?:\/\//i.test(s)) return s;
    return '#';
  }

  function setAttrs(el, attrs) {
    if (!attrs) return;
    for (const k of Object.keys(attrs)) {
      const v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (typeof v === 'function') { el.addEventListener(k.replace(/^on/, ''), v); continue; }
      if (k.startsWith('on')) continue; // never an inline handler
      if (k === 'href' || k === 'src') el.setAttribute(k, safeHref(v));
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  function appendKids(el, kids) {
    for (const k of kids.flat(Infinity)) {
      if (k === null || k === undefined || k === false) continue;
      el.appendChild(k instanceof Node ? k : document.createTextNode(String(k)));
    }
    return el;
  }
  /** h('a', {href: '#/'}, 'text', child…): an HTML element; strings become text nodes. */
  function h(tag, attrs, ...kids) {
    const el = document.createElement(tag);
    setAttrs(el, attrs);
    return appendKids(el, kids);
  }
  const SVGNS = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs, ...kids) {
    const el = document.createElementNS(SVGNS, tag);
    setAttrs(el, attrs);
    return appendKids(el, kids);
  }
  /** Arabic (or unknown-direction) data text. */
  function ar(text, tag) { return h(tag || 'span', { lang: 'ar', dir: 'auto' }, text === null || text === undefined ? '' : text); }
  function q(params) {
    const parts = [];
    for (const k of Object.keys(params || {})) {
      const v = params[k];
      if (v === null || v === undefined || v === '') continue;
      parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v));
    }
    return parts.join('&');
  }
  function link(hash, ...kids) { return h('a', { href: hash }, ...kids); }
  const storyHref = (id) => '#/story/' + encodeURIComponent(id);
  const entityHref = (id) => '#/entity/' + encodeURIComponent(id);
  const articleHref = (id) => '#/article/' + encodeURIComponent(id);

  // ---------------------------------------------------------------- API

  class ApiError extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }
  async function api(path, params) {
    const qs = q(params);
    const url = '/api/v1/' + path + (qs ? '?' + qs : '');
    let res;
    try {
      res = await fetch(url, { headers: { Accept: 'application/json' } });
    } catch (e) {
      throw new ApiError(0, t('err_network'));
    }
    let body = null;
    try { body = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) throw new ApiError(res.status, (body && typeof body.error === 'string') ? body.error : res.statusText || 'HTTP ' + res.status);
    if (body === null || typeof body !== 'object') throw new ApiError(res.status, 'invalid JSON from ' + path);
    return body;
  }
  function errorBox(e) {
    const status = e && e.status ? ' ' + e.status : '';
    return h('div', { class: 'error', role: 'alert' }, t('error') + status + ': ', h('span', { dir: 'auto' }, (e && e.message) || String(e)));
  }
  function loadingBox() { return h('div', { class: 'loading', role: 'status' }, t('loading')); }
  function emptyBox(text) { return h('p', { class: 'empty' }, text || t('empty')); }

  /**
   * A "More" button that fetches the next page (fetchPage(cursor) → {items, next_cursor}) and hands
   * each item to add(). Returns the button (or null when there is no next page).
   */
  function moreButton(cursor, fetchPage, add) {
    if (!cursor) return null;
    const status = h('div');
    const btn = h('button', { type: 'button', class: 'more' }, t('more'));
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      btn.textContent = t('loading');
      try {
        const page = await fetchPage(cursor);
        (page.items || []).forEach(add);
        cursor = page.next_cursor;
        status.replaceChildren();
        if (!cursor) wrap.remove();
      } catch (e) {
        status.replaceChildren(errorBox(e));
      }
      btn.disabled = false;
      btn.textContent = t('more');
    });
    const wrap = h('div', null, btn, status);
    return wrap;
  }

  // ---------------------------------------------------------------- small shared views

  /** A name with its English form: primary in the UI language, the other one secondary. */
  function nameView(name, nameEn) {
    const a = ar(name);
    if (!nameEn || nameEn === name) return h('span', { class: 'name' }, a);
    const e = h('span', { lang: 'en', dir: 'ltr' }, nameEn);
    return LANG === 'ar'
      ? h('span', { class: 'name' }, a, h('span', { class: 'secondary' }, e))
      : h('span', { class: 'name' }, e, h('span', { class: 'secondary' }, a));
  }
  /** One-line label for charts: [text, lang]. */
  function shortName(name, nameEn) {
    if (LANG !== 'ar' && nameEn) return [nameEn, 'en'];
    return [name || nameEn || '?', name ? 'ar' : 'en'];
  }
  function entityChip(e) {
    const [label, lang] = shortName(e.name, e.name_en);
    const attrs = {
      class: 'chip ' + (e.type || ''), 'data-entity': e.id, 'data-name': e.name || '', 'data-name-en': e.name_en || '',
      title: [e.name, e.name_en, e.type ? t(e.type) : null].filter(Boolean).join(' · ')
    };
    const kids = [h('span', { lang, dir: 'auto' }, label), e.count !== undefined ? h('span', { class: 'count' }, String(e.count)) : null];
    return e.id !== null && e.id !== undefined ? h('a', Object.assign({ href: entityHref(e.id) }, attrs), kids) : h('span', attrs, kids);
  }
  function badge(type, mode) {
    const b = h('span', { class: 'badge', title: type + (TYPE_AR[type] ? ' · ' + TYPE_AR[type] : '') + (mode ? ' / ' + mode : '') },
      typeName(type) + (mode ? ' / ' + mode : ''));
    b.style.backgroundColor = TYPE_COLOR[type] || '#607d8b';
    return b;
  }
  function actorView(a) {
    if (!a) return h('span', { class: 'muted' }, t('unknown_actor'));
    const n = nameView(a.name, a.name_en);
    const body = a.entity !== null && a.entity !== undefined ? h('a', { href: entityHref(a.entity) }, n) : n;
    return h('span', { class: 'actor' }, body, a.country ? h('span', { class: 'secondary', title: t('country') }, '(' + a.country + ')') : null);
  }
  function placeView(p) {
    if (!p) return null;
    const n = nameView(p.name, p.name_en);
    return p.entity !== null && p.entity !== undefined ? h('a', { href: entityHref(p.entity) }, n) : n;
  }
  function timeEl(d) { return d ? h('time', { datetime: d, dir: 'ltr' }, d) : h('span', { class: 'muted' }, '–'); }
  /** first – last, in the reading direction of the UI (the first date on the right in Arabic). */
  function spanView(a, b) {
    if (!a && !b) return h('span', { class: 'muted' }, '–');
    if (!b || a === b) return timeEl(a || b);
    return h('span', { class: 'span' }, timeEl(a), ' – ', timeEl(b));
  }
  /** Arabic data quoted with guillemets (mirrored in right-to-left text). */
  function quoted(text) { return h('span', { lang: 'ar', dir: 'rtl' }, '«', text, '»'); }
  function dateSourceLabel(s) { return s ? t('date_' + s) : ''; }
  function section(title, ...kids) { return h('section', null, h('h2', null, title), ...kids); }
  function fieldLabel(name) { const k = 'field_' + name; return STR.en[k] ? t(k) : name; }

  const utf8 = new TextEncoder();
  const utf8dec = new TextDecoder('utf-8');
  /**
   * The trigger's position inside the mention's sentence text, in UTF-16 units. The API gives
   * byte offsets of both in the field; fall back to searching the trigger text.
   */
  function triggerRange(m) {
    const text = m.text || '';
    if (Array.isArray(m.sentence) && Array.isArray(m.trigger)) {
      const bytes = utf8.encode(text);
      const bs = m.trigger[0] - m.sentence[0], be = m.trigger[1] - m.sentence[0];
      if (bs >= 0 && be > bs && be <= bytes.length) {
        const us = utf8dec.decode(bytes.subarray(0, bs)).length;
        const ue = us + utf8dec.decode(bytes.subarray(bs, be)).length;
        if (!m.trigger_text || text.slice(us, ue) === m.trigger_text) return [us, ue];
      }
    }
    if (m.trigger_text) {
      const i = text.indexOf(m.trigger_text);
      if (i >= 0) return [i, i + m.trigger_text.length];
    }
    return null;
  }
  function sentenceView(m) {
    const text = m.text || '';
    const r = triggerRange(m);
    const p = h('p', { class: 'tl-sentence', lang: 'ar', dir: 'rtl' });
    if (!r) return appendKids(p, [text]);
    return appendKids(p, [text.slice(0, r[0]), h('mark', { class: 'trigger' }, text.slice(r[0], r[1])), text.slice(r[1])]);
  }

  // ---------------------------------------------------------------- front page

  async function frontPage(parts, params) {
    const sort = params.sort === 'recent' ? 'recent' : 'size';
    const [stats, page] = await Promise.all([
      api('stats').catch(() => null), // the stats line is optional
      api('stories', { sort, limit: 20 })
    ]);
    const list = h('div', { class: 'stories', id: 'stories' });
    const add = (s) => list.appendChild(storyCard(s));
    (page.items || []).forEach(add);
    const seg = (key, label) => h('a', { href: '#/?sort=' + key, 'aria-current': sort === key ? 'true' : 'false' }, label);
    return h('div', null,
      h('h1', null, t('front_title')),
      stats ? statsLine(stats) : null,
      h('div', { class: 'toolbar' }, h('span', { class: 'muted' }, t('sort') + ':'), h('span', { class: 'seg' }, seg('size', t('sort_size')), seg('recent', t('sort_recent')))),
      list,
      (page.items || []).length ? null : emptyBox(t('no_stories')),
      moreButton(page.next_cursor, (c) => api('stories', { sort, limit: 20, cursor: c }), add));
  }
  function statsLine(s) {
    const line = h('p', { class: 'stats', id: 'stats' },
      t('stats', s.articles, s.pages, s.stories, s.entities, s.events, s.first_published || '–', s.last_published || '–'));
    if (Array.isArray(s.sources) && s.sources.length) {
      line.appendChild(h('br'));
      appendKids(line, [t('stats_sources') + ': ', s.sources.slice(0, 12).map(([label, n], i) =>
        [i ? ' · ' : '', ar(label), ' (' + n + ')'])]);
    }
    return line;
  }
  /** A story's top actors, shown next to its headline ("— actor1، actor2"). */
  function storyActors(s) {
    const names = (s.actors || []).slice(0, 3);
    return names.length ? h('span', { class: 'secondary story-actors', lang: 'ar', dir: 'auto' }, '— ' + names.join('، ')) : null;
  }
  function storyCard(s) {
    return h('article', { class: 'card story-card', 'data-story': s.id },
      h('h2', null, h('a', { href: storyHref(s.id), lang: 'ar', dir: 'auto' }, s.label || '#' + s.id), storyActors(s)),
      h('div', { class: 'story-meta' },
        h('span', null, tn('n_sources', s.num_sources)), h('span', null, tn('n_articles', s.size)),
        s.events !== undefined ? h('span', null, tn('n_events', s.events)) : null,
        spanView(s.first_seen, s.last_seen),
        (s.sources || []).length ? h('span', null, (s.sources || []).slice(0, 5).map((x, i) => [i ? '، ' : '', ar(x)])) : null),
      (s.entities || []).length ? h('ul', { class: 'chips' }, s.entities.map((e) => h('li', null, entityChip(e)))) : null,
      (s.terms || []).length ? h('div', { class: 'terms' }, t('top_terms') + ': ', ar(s.terms.join('، '))) : null);
  }

  // ---------------------------------------------------------------- story page

  /** Titles of the story being shown, for the timeline's article links. */
  let storyTitles = new Map();
  async function storyPage(parts) {
    const s = await api('stories/' + encodeURIComponent(parts[0] || ''));
    storyTitles = new Map((s.articles || []).map((a) => [a.id, a.title]));
    document.title = 'rasd · ' + (s.label || t('story'));
    return h('div', { class: 'story' },
      h('h1', { lang: 'ar', dir: 'auto' }, s.label || '#' + s.id, storyActors(s)),
      h('div', { class: 'story-meta' },
        spanView(s.first_seen, s.last_seen), h('span', null, tn('n_sources', s.num_sources)),
        h('span', null, tn('n_articles', s.size)), h('span', null, tn('n_events', (s.timeline || []).length + (s.background || []).length))),
      (s.sources || []).length ? h('p', { class: 'small' }, t('sources') + ': ', s.sources.map((x, i) => [i ? '، ' : '', ar(x)])) : null,
      (s.entities || []).length ? h('ul', { class: 'chips' }, s.entities.map((e) => h('li', null, entityChip(e)))) : null,
      h('div', { class: 'cols2' },
        section(t('map'), storyMap(s)),
        section(t('graph'), actorGraph(s.graph || { nodes: [], edges: [] }))),
      h('div', { class: 'cols' },
        h('div', null, section(t('timeline'), timelineView(s))),
        h('div', null,
          section(t('articles'), storyArticles(s)),
          (s.linked || []).length ? section(t('linked'), h('ul', null, s.linked.map((l) =>
            h('li', null, h('a', { href: storyHref(l.id), lang: 'ar', dir: 'auto' }, l.label || '#' + l.id), ' ', h('span', { class: 'muted small' }, t('shared', l.shared)))))) : null)));
  }

  /** Compares a possibly partial ISO date (YYYY, YYYY-MM) with a full one, at the partial's grain. */
  function cmpDate(d, ref) { const r = ref.slice(0, d.length); return d < r ? -1 : d > r ? 1 : 0; }

  /**
   * The story's timeline: events dated within the story's span (first_seen … last_seen) in date
   * order under #timeline. The API gives those as `timeline` and the story's other events
   * (recalled from before the span, announced for after it, undated) as `background`; these go
   * in collapsed sections. (A server without `background` gets the same split here.)
   */
  function timelineView(s) {
    let inside = [], rest = [];
    if (Array.isArray(s.background)) { inside = (s.timeline || []).slice(); rest = s.background; }
    else for (const e of s.timeline || []) (e.date && inSpan(e.date, s.first_seen, s.last_seen) ? inside : rest).push(e);
    const before = [], after = [], undated = [];
    for (const e of rest) {
      if (!e.date) undated.push(e);
      else if (s.last_seen && cmpDate(e.date, s.last_seen) > 0) after.push(e);
      else before.push(e);
    }
    const byDate = (a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);
    [before, inside, after].forEach((l) => l.sort(byDate)); // stable: keeps the API's order within a day
    const wrap = h('div');
    if (before.length) wrap.appendChild(extraEvents(t('before_span', before.length), before));
    const tl = eventList(inside);
    tl.id = 'timeline';
    wrap.appendChild(tl);
    if (!inside.length) wrap.appendChild(emptyBox(t('timeline_none')));
    if (after.length) wrap.appendChild(extraEvents(t('after_span', after.length), after));
    if (undated.length) wrap.appendChild(extraEvents(t('undated', undated.length), undated));
    return wrap;
  }
  function inSpan(d, first, last) { return (!first || cmpDate(d, first) >= 0) && (!last || cmpDate(d, last) <= 0); }
  function extraEvents(title, evs) {
    const d = h('details', { class: 'tl-extra' }, h('summary', null, title));
    d.appendChild(eventList(evs, 'tl-other'));
    return d;
  }
  /** Events grouped under date headings; the first 150 shown, the rest behind a button. */
  function eventList(evs, itemClass) {
    const root = h('div', { class: 'tl' });
    const LIMIT = 150;
    let group = null, lastDate;
    const render = (list) => {
      for (const e of list) {
        if (group === null || e.date !== lastDate) {
          lastDate = e.date;
          group = h('ol', { class: 'tl-group' });
          root.appendChild(h('section', null, h('h3', { class: 'tl-date' }, e.date ? timeEl(e.date) : '–'), group));
        }
        group.appendChild(timelineItem(e, itemClass || 'tl-item'));
      }
    };
    render(evs.slice(0, LIMIT));
    if (evs.length > LIMIT) {
      const btn = h('button', { type: 'button', class: 'more' }, t('show_all_events', evs.length));
      btn.addEventListener('click', () => { btn.remove(); render(evs.slice(LIMIT)); });
      root.appendChild(btn);
    }
    return root;
  }
  function timelineItem(e, cls) {
    const m = (e.mentions || [])[0];
    const rest = (e.mentions || []).slice(1);
    return h('li', { class: cls, 'data-date': e.date || '', 'data-type': e.type || '', 'data-event': e.id },
      h('div', { class: 'tl-head' },
        badge(e.type, e.mode),
        e.intent ? h('span', { class: 'flag' }, t('intent')) : null,
        e.negated ? h('span', { class: 'flag' }, t('negated')) : null,
        h('span', null, actorView(e.source), h('span', { class: 'actor-arrow' }, LANG === 'ar' ? ' ← ' : ' → '), actorView(e.target))),
      h('div', { class: 'small muted' },
        e.place ? ['@ ', placeView(e.place), ' · '] : null,
        e.date ? [timeEl(e.date), e.date_source ? ' (' + dateSourceLabel(e.date_source) + ')' : '', ' · '] : null,
        tn('n_sources', e.num_sources) + ' · ' + tn('n_articles', e.num_articles)),
      m ? [sentenceView(m), h('div', { class: 'small' }, articleRef(m.article))] : null,
      rest.length ? h('details', { class: 'small' }, h('summary', null, t('more_reports', rest.length)),
        rest.map((x) => h('div', null, sentenceView(x), articleRef(x.article)))) : null);
  }
  /** A link to an article: its title where the story page knows it, else "article N". */
  function articleRef(id) {
    const title = storyTitles.get(id);
    return title ? h('a', { href: articleHref(id), lang: 'ar', dir: 'auto' }, title) : h('a', { href: articleHref(id) }, t('article_n', id));
  }

  function storyArticles(s) {
    const arts = (s.articles || []).slice();
    if (!arts.length) return emptyBox();
    // canonical member → copies; from duplicate_of, else from duplicate_groups (first member canonical)
    const copies = new Map();
    const dupOf = new Map();
    for (const a of arts) if (a.duplicate_of !== null && a.duplicate_of !== undefined) dupOf.set(a.id, a.duplicate_of);
    if (!dupOf.size) for (const g of s.duplicate_groups || []) g.slice(1).forEach((id) => dupOf.set(id, g[0]));
    const byId = new Map(arts.map((a) => [a.id, a]));
    for (const a of arts) {
      const c = dupOf.get(a.id);
      if (c !== undefined && byId.has(c)) { if (!copies.has(c)) copies.set(c, []); copies.get(c).push(a); }
    }
    const canon = arts.filter((a) => !(dupOf.has(a.id) && byId.has(dupOf.get(a.id))));
    canon.sort((a, b) => ((a.published || '9') < (b.published || '9') ? -1 : (a.published || '9') > (b.published || '9') ? 1 : a.id - b.id));
    const line = (a) => [h('a', { href: articleHref(a.id), lang: 'ar', dir: 'auto' }, a.title || '#' + a.id), ' ',
      h('span', { class: 'muted small' }, a.source ? ar(a.source) : null, a.source ? ' · ' : '', a.published || '–')];
    return h('ul', { class: 'article-list' }, canon.map((a) => {
      const cs = copies.get(a.id) || [];
      return h('li', { 'data-article': a.id }, line(a),
        cs.length ? h('details', null, h('summary', null, cs.length === 1 ? t('copy1') : t('copies', cs.length)),
          h('ul', { class: 'article-list' }, cs.map((c) => h('li', { 'data-article': c.id }, line(c))))) : null);
    }));
  }

  // ---------------------------------------------------------------- map (Natural Earth 1:110m, TopoJSON)

  let worldPromise = null;
  /** Loads and decodes /assets/countries-110m.json once: [{name, rings: [[lon, lat]…]…, bbox}]. */
  function loadWorld() {
    if (!worldPromise) {
      worldPromise = fetch('/assets/countries-110m.json')
        .then((r) => { if (!r.ok) throw new ApiError(r.status, 'map data'); return r.json(); })
        .then(decodeTopo);
      worldPromise.catch(() => { worldPromise = null; });
    }
    return worldPromise;
  }
  /**
   * Minimal TopoJSON decoding: arcs are delta-encoded quantized positions (x += dx, y += dy), then
   * scaled and translated by the topology's transform. A ring lists arc indices; ~i means arc i
   * reversed; consecutive arcs share their end point, which is dropped.
   */
  function decodeTopo(topo) {
    const tf = topo.transform;
    const arcs = topo.arcs.map((arc) => {
      let x = 0, y = 0;
      return arc.map((p) => {
        if (tf) { x += p[0]; y += p[1]; return [x * tf.scale[0] + tf.translate[0], y * tf.scale[1] + tf.translate[1]]; }
        return [p[0], p[1]];
      });
    });
    const ring = (idx) => {
      const pts = [];
      idx.forEach((i, n) => {
        const a = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
        for (let j = n === 0 ? 0 : 1; j < a.length; j++) pts.push(a[j]);
      });
      return pts;
    };
    const out = [];
    for (const g of topo.objects.countries.geometries) {
      const polys = g.type === 'Polygon' ? [g.arcs] : g.type === 'MultiPolygon' ? g.arcs : [];
      const rings = [];
      for (const poly of polys) for (const r of poly) rings.push(ring(r));
      const bbox = [180, 90, -180, -90];
      for (const r of rings) for (const [x, y] of r) {
        if (x < bbox[0]) bbox[0] = x; if (y < bbox[1]) bbox[1] = y;
        if (x > bbox[2]) bbox[2] = x; if (y > bbox[3]) bbox[3] = y;
      }
      out.push({ name: (g.properties && g.properties.name) || '', rings, bbox });
    }
    return out;
  }
  /**
   * An equirectangular view (longitudes scaled by cos of the middle latitude) around the points,
   * padded, at least minSpan degrees wide, with the SVG's aspect ratio.
   */
  function fitView(points, W, minSpan) {
    let lo0 = Infinity, lo1 = -Infinity, la0 = Infinity, la1 = -Infinity;
    for (const p of points) { lo0 = Math.min(lo0, p.lon); lo1 = Math.max(lo1, p.lon); la0 = Math.min(la0, p.lat); la1 = Math.max(la1, p.lat); }
    const padLo = Math.max(minSpan / 2 - (lo1 - lo0) / 2, (lo1 - lo0) * 0.15, 2);
    const padLa = Math.max(minSpan / 2 - (la1 - la0) / 2, (la1 - la0) * 0.15, 2);
    lo0 -= padLo; lo1 += padLo; la0 = Math.max(-85, la0 - padLa); la1 = Math.min(85, la1 + padLa);
    const c = Math.cos(((la0 + la1) / 2) * Math.PI / 180);
    const w = (lo1 - lo0) * c, hgt = la1 - la0;
    const H = Math.round(Math.min(Math.max(W * hgt / w, W * 0.45), W * 0.8));
    if (w / hgt > W / H) { const need = w * H / W; la0 -= (need - hgt) / 2; la1 += (need - hgt) / 2; }
    else { const need = hgt * W / H / c; lo0 -= (need - (lo1 - lo0)) / 2; lo1 = lo0 + need; }
    const k = W / ((lo1 - lo0) * c);
    return { W, H, box: [lo0, la0, lo1, la1], project: (lon, lat) => [(lon - lo0) * c * k, (la1 - lat) * k] };
  }
  /** Merges places at the same coordinates (e.g. بنغازي and وبنغازي), named by the spelling with most events. */
  function mergePlaces(places) {
    const by = new Map();
    for (const p of places) {
      if (typeof p.lat !== 'number' || typeof p.lon !== 'number') continue;
      const key = p.lat.toFixed(3) + ',' + p.lon.toFixed(3);
      const ev = p.events || 0;
      const cur = by.get(key);
      if (!cur) { by.set(key, Object.assign({}, p, { events: ev, mentions: p.mentions || 0, spellings: [p.name], best: ev })); continue; }
      cur.spellings.push(p.name);
      cur.events += ev;
      cur.mentions += p.mentions || 0;
      if (ev > cur.best) { cur.best = ev; cur.name = p.name; cur.href = p.href || cur.href; }
      if (!cur.name_en && p.name_en) cur.name_en = p.name_en;
    }
    return [...by.values()];
  }
  /**
   * An SVG map of places [{name, name_en, lat, lon, events, href?}], zoomed to them. Each marker is an
   * element with class "marker" and data-name, data-name-en, data-lat, data-lon.
   */
  function mapView(places, minSpan) {
    const fig = h('figure', { class: 'viz map-fig' });
    const pts = mergePlaces(places);
    if (!pts.length) return emptyBox(t('map_none'));
    fig.appendChild(loadingBox());
    loadWorld().then((world) => {
      const W = 600;
      const v = fitView(pts, W, minSpan);
      const root = svg('svg', { class: 'map', viewBox: '0 0 ' + W + ' ' + v.H, role: 'group', 'aria-label': t('map') });
      root.appendChild(svg('rect', { class: 'sea', x: 0, y: 0, width: W, height: v.H }));
      const [b0, b1, b2, b3] = v.box;
      for (const c of world) {
        if (c.bbox[2] < b0 || c.bbox[0] > b2 || c.bbox[3] < b1 || c.bbox[1] > b3) continue; // off view
        let d = '';
        for (const r of c.rings) {
          r.forEach(([lon, lat], i) => { const [x, y] = v.project(lon, lat); d += (i ? 'L' : 'M') + x.toFixed(1) + ',' + y.toFixed(1); });
          d += 'Z';
        }
        root.appendChild(svg('path', { class: 'land', d }, svg('title', null, c.name)));
      }
      // biggest first, so small markers stay clickable on top and big places get their labels first
      pts.sort((a, b) => b.events - a.events);
      const placed = pts.map((p) => { const [x, y] = v.project(p.lon, p.lat); return [x, y, p.events ? 4 + 2.2 * Math.sqrt(p.events) : 3.5]; });
      const taken = placed.map(([x, y, r]) => [x - r, y - r, x + r, y + r]);
      for (const [i, p] of pts.entries()) {
        const [x, y, r] = placed[i];
        const [label, lang] = shortName(p.name, p.name_en);
        const attrs = {
          class: p.events ? 'marker' : 'marker named', 'data-name': p.name || '', 'data-name-en': p.name_en || '', 'data-lat': p.lat, 'data-lon': p.lon,
          'data-events': p.events, 'aria-label': label
        };
        const g = p.href ? svg('a', Object.assign({ href: p.href }, attrs)) : svg('g', attrs);
        g.appendChild(svg('title', null, [p.name_en, ...new Set(p.spellings)].filter(Boolean).join(' · ') + ' — ' +
          tn('n_events', p.events) + (p.mentions ? ', ' + tn('n_mentions', p.mentions) : '')));
        g.appendChild(svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1) }));
        const spot = labelSpot(x, y, r, label, taken, W, v.H);
        if (spot) g.appendChild(svg('text', { x: spot[0].toFixed(1), y: spot[1].toFixed(1), 'text-anchor': spot[2], lang }, label));
        root.appendChild(g);
      }
      fig.replaceChildren(root, h('figcaption', null, t('map_caption')));
    }).catch((e) => fig.replaceChildren(errorBox(e)));
    return fig;
  }
  /**
   * A free place for a marker's label: right, left, above or below the circle, not overlapping the
   * boxes taken so far (markers and labels). Returns [x, y, text-anchor] or null (no room: the
   * name stays in the marker's tooltip).
   */
  function labelSpot(x, y, r, label, taken, W, H) {
    const w = label.length * 6.6 + 4, hh = 13;
    const tries = [[x + r + 3, y + 4, 'start', x + r + 2, y - 8], [x - r - 3, y + 4, 'end', x - r - 2 - w, y - 8],
      [x, y - r - 4, 'middle', x - w / 2, y - r - 4 - hh], [x, y + r + 13, 'middle', x - w / 2, y + r + 1]];
    for (const [tx, ty, anchor, bx, by] of tries) {
      const box = [bx, by, bx + w, by + hh];
      if (box[0] < 0 || box[2] > W || box[1] < 0 || box[3] > H) continue;
      if (taken.some((b) => b[0] < box[2] && box[0] < b[2] && b[1] < box[3] && box[1] < b[3])) continue;
      taken.push(box);
      return [tx, ty, anchor];
    }
    return null;
  }
  function storyMap(s) {
    const places = (s.places || []).map((p) => Object.assign({}, p, {
      href: '#/events?' + q({ place: p.name, story: s.id })
    }));
    return mapView(places, 12);
  }

  // ---------------------------------------------------------------- actor graph

  /**
   * Deterministic force layout (Fruchterman–Reingold) of one connected component: nodes start on a
   * circle in a fixed order, repel each other, links pull, a weak gravity holds the centre; the
   * step size cools linearly. Positions in layout units around (0, 0).
   */
  function forceComponent(n, links) {
    const pos = [];
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * i) / n, r = 30 + 6 * n;
      pos.push([r * Math.cos(a), r * Math.sin(a)]);
    }
    if (n < 2) return pos.map(() => [0, 0]);
    const k = 70; // ideal link length
    const iters = 300;
    for (let it = 0; it < iters; it++) {
      const temp = 30 * (1 - it / iters) + 0.2;
      const disp = pos.map(([x, y]) => [-x * 0.02, -y * 0.02]);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          let dx = pos[i][0] - pos[j][0], dy = pos[i][1] - pos[j][1];
          let d2 = dx * dx + dy * dy;
          if (d2 < 0.01) { dx = 0.1 * (i - j); dy = 0.1; d2 = dx * dx + dy * dy; }
          const f = (k * k) / d2; // k²/d along the unit vector
          disp[i][0] += dx * f; disp[i][1] += dy * f;
          disp[j][0] -= dx * f; disp[j][1] -= dy * f;
        }
      }
      for (const [a, b, w] of links) {
        const dx = pos[a][0] - pos[b][0], dy = pos[a][1] - pos[b][1];
        const d = Math.sqrt(dx * dx + dy * dy) || 0.01;
        const f = (d / k) * Math.min(1 + 0.3 * Math.log(w), 2); // d²/k, heavier links pull a little harder
        disp[a][0] -= dx * f; disp[a][1] -= dy * f;
        disp[b][0] += dx * f; disp[b][1] += dy * f;
      }
      for (let i = 0; i < n; i++) {
        const d = Math.sqrt(disp[i][0] ** 2 + disp[i][1] ** 2) || 1;
        const step = Math.min(d, temp);
        pos[i][0] += (disp[i][0] / d) * step;
        pos[i][1] += (disp[i][1] / d) * step;
      }
    }
    return pos;
  }
  /**
   * Lays out each connected component on its own, packs the components in rows (largest first),
   * then scales the whole to fit W×H less a margin. Deterministic for a given node order.
   */
  function forceLayout(n, links, W, H, margin, labelW) {
    const parent = [...Array(n).keys()];
    const find = (x) => (parent[x] === x ? x : (parent[x] = find(parent[x])));
    for (const [a, b] of links) parent[find(a)] = find(b);
    const comps = new Map();
    for (let i = 0; i < n; i++) { const r = find(i); if (!comps.has(r)) comps.set(r, []); comps.get(r).push(i); }
    const boxes = [...comps.values()].sort((x, y) => y.length - x.length || x[0] - y[0]).map((members) => {
      const local = new Map(members.map((m, i) => [m, i]));
      const ll = links.filter(([a]) => local.has(a)).map(([a, b, w]) => [local.get(a), local.get(b), w]);
      const p = forceComponent(members.length, ll);
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (const [x, y] of p) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
      const pad = Math.max(20, ...members.map((m) => labelW[m] / 2 + 6)); // room for labels
      return { members, p, x0: x0 - pad, y0: y0 - 20, w: x1 - x0 + 2 * pad, h: y1 - y0 + 45 };
    });
    // shelf packing into rows about as wide as the biggest component (or the square root of the total area)
    const area = boxes.reduce((s, b) => s + b.w * b.h, 0);
    const rowW = Math.max(boxes[0].w, Math.sqrt(area * W / H));
    let x = 0, y = 0, rowH = 0;
    const pos = new Array(n);
    let X1 = 0, Y1 = 0;
    for (const b of boxes) {
      if (x > 0 && x + b.w > rowW) { x = 0; y += rowH; rowH = 0; }
      b.members.forEach((m, i) => { pos[m] = [x + b.p[i][0] - b.x0, y + b.p[i][1] - b.y0]; });
      x += b.w; rowH = Math.max(rowH, b.h);
      X1 = Math.max(X1, x); Y1 = Math.max(Y1, y + rowH);
    }
    const sc = Math.min((W - 2 * margin) / (X1 || 1), (H - 2 * margin) / (Y1 || 1), 2);
    const ox = (W - X1 * sc) / 2, oy = (H - Y1 * sc) / 2;
    return pos.map(([px, py]) => [ox + px * sc, oy + py * sc]);
  }
  function actorGraph(graph) {
    const MAX = 60;
    const all = (graph.nodes || []).slice();
    if (!all.length) return emptyBox(t('graph_none'));
    // a fixed order (by events, then id) makes the layout deterministic
    all.sort((a, b) => (b.events || 0) - (a.events || 0) || (String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0));
    const nodes = all.slice(0, MAX);
    const index = new Map(nodes.map((nd, i) => [String(nd.id), i]));
    const edges = (graph.edges || []).filter((e) => index.has(String(e.source)) && index.has(String(e.target)) && String(e.source) !== String(e.target));
    const pair = new Map();
    for (const e of edges) {
      const a = index.get(String(e.source)), b = index.get(String(e.target));
      const key = Math.min(a, b) + ':' + Math.max(a, b);
      pair.set(key, (pair.get(key) || 0) + (e.count || 1));
    }
    const links = [...pair.entries()].map(([key, w]) => key.split(':').map(Number).concat([w]));
    const W = 600, H = Math.max(360, Math.min(560, 220 + nodes.length * 8));
    const pos = forceLayout(nodes.length, links, W, H, 10, nodes.map((nd) => shortName(nd.name, nd.name_en)[0].length * 6.6));
    const radius = nodes.map((nd) => 5 + 2 * Math.sqrt(nd.events || 1));
    const root = svg('svg', { class: 'graph', viewBox: '0 0 ' + W + ' ' + H, role: 'group', 'aria-label': t('graph') });
    // one arrowhead per event type present
    const types = [...new Set(edges.map((e) => e.type))].sort((a, b) => PLOVER.findIndex((p) => p[0] === a) - PLOVER.findIndex((p) => p[0] === b));
    const defs = svg('defs');
    for (const ty of types) {
      defs.appendChild(svg('marker', { id: 'arrow-' + ty, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 5, markerHeight: 5, orient: 'auto-start-reverse' },
        svg('path', { d: 'M0,0L10,5L0,10Z', fill: TYPE_COLOR[ty] || '#607d8b' })));
    }
    root.appendChild(defs);
    // parallel edges between one pair fan out as curves
    const seen = new Map();
    const perPair = new Map();
    for (const e of edges) {
      const a = index.get(String(e.source)), b = index.get(String(e.target));
      const key = Math.min(a, b) + ':' + Math.max(a, b);
      perPair.set(key, (perPair.get(key) || 0) + 1);
    }
    const edgeLayer = svg('g', { class: 'edges' });
    for (const e of edges) {
      const a = index.get(String(e.source)), b = index.get(String(e.target));
      const key = Math.min(a, b) + ':' + Math.max(a, b);
      const i = seen.get(key) || 0; seen.set(key, i + 1);
      const total = perPair.get(key);
      const [x1, y1] = pos[a], [x2, y2] = pos[b];
      const dx = x2 - x1, dy = y2 - y1, d = Math.sqrt(dx * dx + dy * dy) || 1;
      const sign = a < b ? 1 : -1; // same side whichever way the edge points
      const bend = (i - (total - 1) / 2) * 22 * sign;
      const mx = (x1 + x2) / 2 - (dy / d) * bend, my = (y1 + y2) / 2 + (dx / d) * bend;
      // stop at the target's rim
      const ex = x2 - ((x2 - mx) / (Math.hypot(x2 - mx, y2 - my) || 1)) * (radius[b] + 2);
      const ey = y2 - ((y2 - my) / (Math.hypot(x2 - mx, y2 - my) || 1)) * (radius[b] + 2);
      const width = 1 + 1.6 * Math.log2(1 + (e.count || 1));
      const p = svg('path', {
        class: 'edge', 'data-type': e.type, d: 'M' + x1.toFixed(1) + ',' + y1.toFixed(1) + 'Q' + mx.toFixed(1) + ',' + my.toFixed(1) + ' ' + ex.toFixed(1) + ',' + ey.toFixed(1),
        fill: 'none', stroke: TYPE_COLOR[e.type] || '#607d8b', 'stroke-width': width.toFixed(1), 'stroke-opacity': 0.75, 'marker-end': 'url(#arrow-' + e.type + ')'
      });
      const sa = shortName(nodes[a].name, nodes[a].name_en)[0], sb = shortName(nodes[b].name, nodes[b].name_en)[0];
      p.appendChild(svg('title', null, sa + ' → ' + sb + ': ' + typeName(e.type) + ' ×' + (e.count || 1)));
      edgeLayer.appendChild(p);
    }
    root.appendChild(edgeLayer);
    // an English name shared by several nodes (e.g. unresolved "الروسية", "روسيا" → Russian Federation)
    // would label them all alike: those keep their Arabic text
    const enCount = new Map();
    for (const nd of nodes) if (nd.name_en) enCount.set(nd.name_en, (enCount.get(nd.name_en) || 0) + 1);
    nodes.forEach((nd, i) => {
      const [x, y] = pos[i];
      const [label, lang] = enCount.get(nd.name_en) > 1 ? shortName(nd.name, null) : shortName(nd.name, nd.name_en);
      const attrs = { class: 'node', 'data-name': nd.name || '', 'data-name-en': nd.name_en || '', 'data-entity': nd.entity === null || nd.entity === undefined ? '' : nd.entity, 'data-node': nd.id };
      const g = nd.entity !== null && nd.entity !== undefined ? svg('a', Object.assign({ href: entityHref(nd.entity), 'aria-label': label }, attrs)) : svg('g', attrs);
      g.appendChild(svg('title', null, [nd.name, nd.name_en, nd.country, nd.sector, tn('n_events', nd.events)].filter(Boolean).join(' · ')));
      g.appendChild(svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: radius[i].toFixed(1), fill: ENT_COLOR[nd.type] || '#78909c' }));
      g.appendChild(svg('text', { x: x.toFixed(1), y: (y + radius[i] + 13).toFixed(1), 'text-anchor': 'middle', lang }, label));
      root.appendChild(g);
    });
    const legend = h('ul', { class: 'legend', 'aria-label': t('legend') },
      types.map((ty) => { const sw = h('span', { class: 'sw' }); sw.style.backgroundColor = TYPE_COLOR[ty] || '#607d8b'; return h('li', null, sw, typeName(ty)); }),
      ['PER', 'ORG', 'LOC', 'MISC'].filter((ty) => nodes.some((nd) => nd.type === ty)).map((ty) => {
        const sw = h('span', { class: 'sw box' }); sw.style.backgroundColor = ENT_COLOR[ty]; sw.style.borderRadius = '50%'; return h('li', null, sw, t(ty));
      }));
    return h('figure', { class: 'viz graph-fig' }, root, legend,
      h('figcaption', null, t('graph_caption'), all.length > MAX ? ' ' + t('graph_capped', MAX, all.length) : ''));
  }

  // ---------------------------------------------------------------- article page

  /**
   * Text with highlighted spans (UTF-16 offsets ustart/uend). Spans may overlap or nest, so the
   * text is cut at every span boundary; each segment is wrapped in every span covering it, the
   * longest outermost. Only one entity link per segment (links cannot nest).
   */
  function highlighted(text, spans) {
    const L = text.length;
    const sp = [];
    for (const s of spans || []) {
      if (!Number.isInteger(s.ustart) || !Number.isInteger(s.uend)) continue;
      const a = Math.max(0, Math.min(L, s.ustart)), b = Math.max(0, Math.min(L, s.uend));
      if (b > a) sp.push({ s, a, b });
    }
    const cuts = new Set([0, L]);
    for (const x of sp) { cuts.add(x.a); cuts.add(x.b); }
    const pts = [...cuts].sort((x, y) => x - y);
    const frag = document.createDocumentFragment();
    sp.sort((x, y) => x.a - y.a);
    let active = [], next = 0;
    for (let i = 0; i + 1 < pts.length; i++) {
      const a = pts[i], b = pts[i + 1];
      while (next < sp.length && sp[next].a <= a) active.push(sp[next++]);
      active = active.filter((x) => x.b > a);
      const seg = text.slice(a, b);
      const cover = active.filter((x) => x.a <= a && x.b >= b);
      if (!cover.length) { frag.appendChild(document.createTextNode(seg)); continue; }
      cover.sort((x, y) => (x.b - x.a) - (y.b - y.a)); // innermost first
      let node = document.createTextNode(seg);
      let linked = false;
      for (const { s } of cover) { const w = spanWrapper(s, linked); if (w.tagName === 'A') linked = true; w.appendChild(node); node = w; }
      frag.appendChild(node);
    }
    return frag;
  }
  function spanWrapper(s, linked) {
    if (s.kind === 'entity') {
      const title = [s.name, s.name_en, s.type ? t(s.type) : null].filter(Boolean).join(' · ');
      const attrs = { class: 'ent ' + (s.type || 'MISC'), title, 'data-entity': s.entity === null || s.entity === undefined ? '' : s.entity };
      if (!linked && s.entity !== null && s.entity !== undefined) return h('a', Object.assign({ href: entityHref(s.entity) }, attrs));
      return h('span', attrs);
    }
    if (s.kind === 'time') return h('span', { class: 'tx', title: (s.value || '') + (s.grain ? ' (' + s.grain + ')' : '') });
    if (s.kind === 'event') {
      const el = h('span', { class: 'ev', title: typeName(s.type) + (s.event !== undefined ? ' · #' + s.event : ''), 'data-type': s.type || '' });
      el.style.outlineColor = TYPE_COLOR[s.type] || '#607d8b';
      return el;
    }
    return h('span', { class: 'span-' + String(s.kind || 'other').replace(/[^a-z]/gi, '') });
  }
  function textLegend() {
    const box = (cls, label) => h('li', null, h('span', { class: cls }, label));
    return h('ul', { class: 'legend', 'aria-label': t('legend') },
      ['PER', 'ORG', 'LOC', 'MISC'].map((ty) => box('ent ' + ty, t(ty))), box('tx', t('lg_time')), box('ev', t('lg_event')));
  }
  function externalUrl(u) {
    if (!u) return null;
    if (/^https?:\/\//i.test(u)) return h('a', { href: u, rel: 'noopener noreferrer nofollow', target: '_blank', dir: 'ltr' }, u);
    return h('span', { dir: 'ltr' }, u);
  }
  function metaList(rows) {
    return h('dl', { class: 'meta' }, rows.filter((r) => r[1] !== null && r[1] !== undefined && r[1] !== '').map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
  }
  async function articlePage(parts) {
    const id = parts[0] || '';
    const [a, rel] = await Promise.all([
      api('articles/' + encodeURIComponent(id)),
      api('articles/' + encodeURIComponent(id) + '/related', { top: 10 }).catch((e) => e)
    ]);
    document.title = 'rasd · ' + (a.title || t('article'));
    const fields = (a.fields || []);
    return h('div', { class: 'article' },
      h('h1', { lang: 'ar', dir: 'auto' }, a.title || '#' + a.id),
      metaList([
        [t('kind'), a.kind === 'appended' ? t('kind_appended') : a.kind === 'part' ? t('kind_part') : a.kind === 'page' ? t('kind_page') : a.kind],
        [t('source'), a.source ? ar(a.source) : null],
        [t('publisher'), a.publisher ? ar(a.publisher) : null],
        [t('author'), a.author ? ar(a.author) : null],
        [t('published'), a.published ? timeEl(a.published) : null],
        [t('crawled'), a.crawled ? timeEl(a.crawled) : null],
        [t('url'), externalUrl(a.url)],
        [t('story'), a.story ? h('a', { href: storyHref(a.story.id), lang: 'ar', dir: 'auto' }, a.story.label || '#' + a.story.id) : null],
        [t('appended_to'), a.appended_to !== null && a.appended_to !== undefined ? link(articleHref(a.appended_to), '#' + a.appended_to) : null],
        [t('exact_dup'), a.exact_duplicate_of !== null && a.exact_duplicate_of !== undefined ? link(articleHref(a.exact_duplicate_of), '#' + a.exact_duplicate_of) : null]
      ]),
      (a.appended || []).length ? section(t('appended'), h('ul', null, a.appended.map((x) =>
        h('li', null, h('a', { href: articleHref(x.id), lang: 'ar', dir: 'auto' }, x.title || '#' + x.id))))) : null,
      (a.near_duplicates || []).length ? section(t('near_dups'), h('ul', null, a.near_duplicates.map((x) =>
        h('li', null, h('a', { href: articleHref(x.id), lang: 'ar', dir: 'auto' }, x.title || '#' + x.id), ' ',
          h('span', { class: 'muted small' }, t('jaccard', typeof x.jaccard === 'number' ? x.jaccard.toFixed(2) : x.jaccard)))))) : null,
      section(t('text'), textLegend(),
        fields.length ? fields.map((f) => h('div', { class: 'field field-' + String(f.name).replace(/[^a-z_]/gi, '') },
          h('div', { class: 'field-name' }, fieldLabel(f.name)),
          appendKids(h('div', { class: 'text', lang: 'ar', dir: 'rtl' }), [highlighted(f.text || '', f.spans)]))) : emptyBox()),
      section(t('related'), rel instanceof Error ? errorBox(rel) : (rel.items || []).length ? h('ul', { class: 'article-list' }, rel.items.map((x) =>
        h('li', null, h('a', { href: articleHref(x.id), lang: 'ar', dir: 'auto' }, x.title || '#' + x.id), ' ',
          h('span', { class: 'muted small' }, x.source ? [ar(x.source), ' · '] : null, x.published || '–',
            typeof x.score === 'number' ? ' · ' + x.score.toFixed(3) : '')))) : emptyBox()));
  }

  // ---------------------------------------------------------------- entity page

  async function entityPage(parts) {
    storyTitles = new Map();
    const e = await api('entities/' + encodeURIComponent(parts[0] || ''));
    document.title = 'rasd · ' + (e.name_en || e.name || t('entity'));
    const primary = LANG === 'ar' || !e.name_en ? ar(e.name, 'span') : h('span', { lang: 'en' }, e.name_en);
    const second = LANG === 'ar' ? (e.name_en ? h('span', { lang: 'en', dir: 'ltr' }, e.name_en) : null) : (e.name_en ? ar(e.name) : null);
    const hasPlace = typeof e.lat === 'number' && typeof e.lon === 'number';
    const roles = (e.roles || []).slice().sort((x, y) => ((x.date || '~') < (y.date || '~') ? -1 : (x.date || '~') > (y.date || '~') ? 1 : x.article - y.article));
    const events = e.events || [];
    return h('div', { class: 'entity', 'data-entity': e.id },
      h('h1', null, primary, second ? h('span', { class: 'secondary' }, second) : null),
      metaList([
        [t('type'), e.type ? t(e.type) + ' (' + e.type + ')' : null],
        [t('country'), e.country ? [e.country, e.country_evidence ? [' — ', h('span', { class: 'muted' }, t('evidence') + ' '), quoted(e.country_evidence)] : null] : null],
        [t('sector'), e.sector],
        [t('coords'), hasPlace ? e.lat.toFixed(4) + ', ' + e.lon.toFixed(4) : null],
        [t('mentions'), e.mentions],
        [t('num_articles'), e.num_articles]
      ]),
      hasPlace ? mapView([{ name: e.name, name_en: e.name_en, lat: e.lat, lon: e.lon, events: Math.max(1, events.length) }], 16) : null,
      section(t('variants'), (e.variants || []).length ? h('table', null,
        h('thead', null, h('tr', null, h('th', null, t('variants')), h('th', null, t('count')))),
        h('tbody', null, e.variants.map(([v, n]) => h('tr', null, h('td', null, ar(v)), h('td', null, String(n)))))) : emptyBox()),
      roles.length ? section(t('roles'), h('table', null,
        h('thead', null, h('tr', null, h('th', null, t('date')), h('th', null, t('role')), h('th', null, t('article')))),
        h('tbody', null, roles.map((r) => h('tr', null, h('td', null, timeEl(r.date)), h('td', null, ar(r.role)), h('td', null, link(articleHref(r.article), '#' + r.article))))))) : null,
      (e.co_actors || []).length ? section(t('co_actors'), h('ul', { class: 'chips' }, e.co_actors.map((c) => h('li', null, entityChip(c))))) : null,
      section(t('events'), events.length ? eventsTable(events) : emptyBox(),
        events.length ? h('p', null, link('#/events?' + q({ actor: e.name }), t('all_events'))) : null),
      section(t('contexts'), (e.contexts || []).length ? h('div', null, e.contexts.map((c) =>
        h('div', { class: 'ctx' },
          h('div', { lang: 'ar', dir: 'rtl' }, c.before ? '…' + c.before : '', h('b', null, c.text), c.after ? c.after + '…' : ''),
          h('div', { class: 'small muted' }, h('a', { href: articleHref(c.article), lang: 'ar', dir: 'auto' }, c.title || '#' + c.article), ' · ', c.published || '–', ' · ', fieldLabel(c.field))))) : emptyBox()),
      section(t('stories'), (e.stories || []).length ? h('ul', null, e.stories.map((s) =>
        h('li', null, h('a', { href: storyHref(s.id), lang: 'ar', dir: 'auto' }, s.label || '#' + s.id), ' ', h('span', { class: 'muted small' }, tn('n_articles', s.size))))) : emptyBox()));
  }

  // ---------------------------------------------------------------- events page

  function eventRow(e) {
    const m = (e.mentions || [])[0];
    return h('tr', { 'data-event': e.id, 'data-date': e.date || '' },
      h('td', null, e.date ? timeEl(e.date) : '–', e.date_source ? h('div', { class: 'small muted' }, dateSourceLabel(e.date_source)) : null),
      h('td', null, badge(e.type, e.mode), e.intent ? h('span', { class: 'flag' }, t('intent')) : null, e.negated ? h('span', { class: 'flag' }, t('negated')) : null),
      h('td', null, actorView(e.source), h('span', { class: 'actor-arrow' }, LANG === 'ar' ? ' ← ' : ' → '), actorView(e.target)),
      h('td', null, placeView(e.place)),
      h('td', null, h('div', null, tn('n_sources', e.num_sources)), h('div', null, tn('n_articles', e.num_articles))),
      h('td', null, (e.articles || []).slice(0, 8).map((id, i) => [i ? ' ' : '', link(articleHref(id), '#' + id)])),
      h('td', { class: 'small' }, m ? sentenceView(m) : null));
  }
  function eventsTable(events) {
    const body = h('tbody', null, events.map(eventRow));
    const table = h('table', { class: 'events' },
      h('thead', null, h('tr', null, ['col_date', 'col_type', 'col_actors', 'col_place', 'col_reports', 'col_articles', 'col_sentence'].map((k) => h('th', { scope: 'col' }, t(k))))),
      body);
    const wrap = h('div', { class: 'table-wrap' }, table);
    wrap.addRow = (e) => body.appendChild(eventRow(e));
    return wrap;
  }
  const EVENT_FILTERS = ['type', 'actor', 'country', 'place', 'since', 'until', 'story'];
  async function eventsPage(parts, params) {
    const filters = {};
    for (const k of EVENT_FILTERS) if (params[k]) filters[k] = params[k];
    const chosen = new Set((filters.type || '').split(',').filter(Boolean));
    const input = (name, label, extra) => h('label', null, label, h('input', Object.assign({ name, value: filters[name] || '', dir: 'auto' }, extra || {})));
    const typeSel = h('select', { name: 'type', multiple: true, size: 9 }, PLOVER.map(([k]) => h('option', { value: k, selected: chosen.has(k) }, k + (LANG === 'ar' ? ' · ' + TYPE_AR[k] : ''))));
    const form = h('form', { class: 'filters', id: 'event-filters' },
      h('label', null, t('f_type'), typeSel),
      input('actor', t('f_actor')), input('country', t('f_country'), { maxlength: 3, size: 4 }), input('place', t('f_place')),
      input('since', t('f_since'), { pattern: '\\d{4}(-\\d{2}(-\\d{2})?)?', placeholder: 'YYYY-MM-DD' }),
      input('until', t('f_until'), { pattern: '\\d{4}(-\\d{2}(-\\d{2})?)?', placeholder: 'YYYY-MM-DD' }),
      filters.story ? h('div', null, h('span', { class: 'muted small' }, t('f_story') + ': '), link(storyHref(filters.story), '#' + filters.story), ' ',
        link('#/events?' + q(Object.assign({}, filters, { story: null })), '(' + t('f_remove') + ')')) : null,
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('f_apply')), link('#/events', t('f_reset'))));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const next = {};
      for (const k of ['actor', 'country', 'place', 'since', 'until']) next[k] = form.elements[k].value.trim();
      next.type = [...typeSel.selectedOptions].map((o) => o.value).join(',');
      next.story = filters.story;
      location.hash = '#/events?' + q(next);
    });
    const page = await api('events', Object.assign({ limit: 50 }, filters));
    const items = page.items || [];
    const table = eventsTable(items);
    const exportQs = (fmt) => '/api/v1/events?' + q(Object.assign({}, filters, { format: fmt }));
    return h('div', null,
      h('h1', null, t('events_title')), form,
      h('p', { class: 'exports' }, t('export') + ': ',
        h('a', { href: exportQs('csv'), download: 'events.csv' }, 'CSV'), h('a', { href: exportQs('jsonl'), download: 'events.jsonl' }, 'JSON Lines')),
      items.length ? table : emptyBox(t('events_none')),
      moreButton(page.next_cursor, (c) => api('events', Object.assign({ limit: 50, cursor: c }, filters)), (e) => table.addRow(e)));
  }

  // ---------------------------------------------------------------- search page

  function snippetView(sn) {
    const text = sn.text || '';
    const p = h('p', { class: 'snippet', lang: 'ar', dir: 'rtl' });
    const hl = (sn.highlights || []).filter((r) => Array.isArray(r) && r[1] > r[0]).map((r) => [Math.max(0, r[0]), Math.min(text.length, r[1])]).sort((a, b) => a[0] - b[0]);
    let at = 0;
    for (const [a, b] of hl) {
      if (a < at) continue; // overlapping highlight: skip
      appendKids(p, [text.slice(at, a), h('mark', null, text.slice(a, b))]);
      at = b;
    }
    appendKids(p, [text.slice(at)]);
    return h('div', null, h('span', { class: 'field-name' }, fieldLabel(sn.field)), p);
  }
  function resultView(r) {
    return h('article', { class: 'result', 'data-article': r.id },
      h('h2', null, h('a', { href: articleHref(r.id), lang: 'ar', dir: 'auto' }, r.title || '#' + r.id)),
      h('div', { class: 'small muted' }, r.source ? [ar(r.source), ' · '] : null, r.published || '–',
        r.story ? [' · ', t('story') + ': ', h('a', { href: storyHref(r.story.id), lang: 'ar', dir: 'auto' }, r.story.label || '#' + r.story.id)] : null),
      (r.snippets || []).map(snippetView));
  }
  async function searchPage(parts, params) {
    const text = (params.q || '').trim();
    document.getElementById('search-q').value = text;
    if (!text) return h('div', null, h('h1', null, t('search_title')), emptyBox(t('search_empty')));
    const res = await api('search', { q: text, limit: 20 });
    const list = h('div', { id: 'results' });
    (res.items || []).forEach((r) => list.appendChild(resultView(r)));
    const expanded = (res.expanded || []).filter((x) => (x.variants || []).length);
    return h('div', null,
      h('h1', null, t('search_title')),
      h('p', { id: 'search-total' }, t(res.total_capped ? 'search_capped' : 'search_total', res.total), ' ', quoted(res.query || text)),
      expanded.length ? h('p', { class: 'muted', id: 'search-expanded' }, t('also_searched') + ' ', expanded.map((x, i) => [i ? ' · ' : '',
        x.entity !== null && x.entity !== undefined ? link(entityHref(x.entity), ar(x.name)) : ar(x.name), ': ', ar(x.variants.join('، '))])) : null,
      (res.items || []).length ? list : emptyBox(t('search_none')),
      moreButton(res.next_cursor, (c) => api('search', { q: text, limit: 20, cursor: c }), (r) => list.appendChild(resultView(r))));
  }

  // ---------------------------------------------------------------- entities page

  async function entitiesPage(parts, params) {
    const f = { q: params.q || '', type: params.type || '', sort: params.sort === 'name' ? 'name' : '' };
    const sel = (name, opts) => h('select', { name }, opts.map(([v, label]) => h('option', { value: v, selected: f[name] === v }, label)));
    const form = h('form', { class: 'filters' },
      h('label', null, t('f_q'), h('input', { name: 'q', value: f.q, dir: 'auto', type: 'search' })),
      h('label', null, t('type'), sel('type', [['', t('all_types')], ['PER', t('PER')], ['ORG', t('ORG')], ['LOC', t('LOC')], ['MISC', t('MISC')]])),
      h('label', null, t('f_sort'), sel('sort', [['', t('sort_mentions')], ['name', t('sort_name')]])),
      h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('f_apply'))));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      location.hash = '#/entities?' + q({ q: form.elements.q.value.trim(), type: form.elements.type.value, sort: form.elements.sort.value });
    });
    const params2 = { q: f.q, type: f.type, sort: f.sort || 'mentions', limit: 50 };
    const page = await api('entities', params2);
    const row = (e) => h('tr', { 'data-entity': e.id },
      h('td', null, link(entityHref(e.id), nameView(e.name, e.name_en))),
      h('td', null, e.type ? t(e.type) : ''), h('td', null, String(e.mentions ?? '')), h('td', null, String(e.num_articles ?? '')),
      h('td', null, e.country || ''), h('td', { class: 'small' }, ar((e.variants || []).slice(0, 5).map((v) => v[0]).join('، '))));
    const body = h('tbody', null, (page.items || []).map(row));
    return h('div', null, h('h1', null, t('entities_title')), form,
      (page.items || []).length ? h('table', null, h('thead', null, h('tr', null,
        [t('entity'), t('type'), t('mentions'), t('num_articles'), t('country'), t('variants')].map((x) => h('th', { scope: 'col' }, x)))), body) : emptyBox(t('entities_none')),
      moreButton(page.next_cursor, (c) => api('entities', Object.assign({}, params2, { cursor: c })), (e) => body.appendChild(row(e))));
  }

  // ---------------------------------------------------------------- router and chrome

  const ROUTES = { '': frontPage, story: storyPage, entity: entityPage, article: articlePage, events: eventsPage, search: searchPage, entities: entitiesPage };
  const NAV_OF = { '': '#/', story: '#/', article: '#/', events: '#/events', entity: '#/entities', entities: '#/entities' };

  function parseHash() {
    const raw = location.hash.replace(/^#/, '') || '/';
    const qi = raw.indexOf('?');
    const path = qi < 0 ? raw : raw.slice(0, qi);
    const params = {};
    new URLSearchParams(qi < 0 ? '' : raw.slice(qi + 1)).forEach((v, k) => { params[k] = v; });
    const parts = path.split('/').filter(Boolean).map((p) => { try { return decodeURIComponent(p); } catch (e) { return p; } });
    return { parts, params };
  }

  let generation = 0;
  async function render(ev) {
    const first = !ev; // the initial render (no hashchange event)
    const gen = ++generation;
    const { parts, params } = parseHash();
    const name = parts[0] || '';
    const main = document.getElementById('main');
    main.setAttribute('aria-busy', 'true');
    main.replaceChildren(loadingBox());
    document.title = 'rasd · رصد';
    for (const a of document.querySelectorAll('#nav a')) a.setAttribute('aria-current', NAV_OF[name] === a.getAttribute('href') ? 'page' : 'false');
    if (name !== 'search') document.getElementById('search-q').value = '';
    let view;
    try {
      const page = ROUTES[name];
      view = page ? await page(parts.slice(1), params) : h('div', { class: 'error', role: 'alert' }, t('not_found'));
    } catch (e) {
      view = errorBox(e);
    }
    if (gen !== generation) return; // a newer navigation has taken over
    main.replaceChildren(view);
    main.removeAttribute('aria-busy');
    window.scrollTo(0, 0);
    if (!first) main.focus({ preventScroll: true }); // keyboard and screen-reader users land on the new page
  }

  function applyChrome() {
    const root = document.documentElement;
    root.lang = LANG;
    root.dir = LANG === 'ar' ? 'rtl' : 'ltr';
    for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.getAttribute('data-i18n'));
    for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.setAttribute('placeholder', t(el.getAttribute('data-i18n-placeholder')));
    const btn = document.getElementById('lang-toggle');
    btn.textContent = t('lang_other');
    btn.setAttribute('lang', LANG === 'ar' ? 'en' : 'ar');
    btn.setAttribute('aria-label', t('lang_switch'));
    document.getElementById('skip-link').textContent = t('skip');
  }

  function init() {
    applyChrome();
    document.getElementById('lang-toggle').addEventListener('click', () => {
      LANG = LANG === 'ar' ? 'en' : 'ar';
      try { localStorage.setItem('rasd.lang', LANG); } catch (e) { /* storage disabled */ }
      applyChrome();
      render(true);
    });
    document.getElementById('search-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const v = document.getElementById('search-q').value.trim();
      if (v) location.hash = '#/search?' + q({ q: v });
    });
    document.getElementById('skip-link').addEventListener('click', (ev) => { ev.preventDefault(); document.getElementById('main').focus(); });
    window.addEventListener('hashchange', render);
    render();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
