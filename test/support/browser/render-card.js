// Runs inside Chromium, after adaptivecards.min.js. Registers Teams' CodeBlock element (the JS renderer
// does not ship it; `withoutCodeBlock` leaves it out so the fallback renders, as on older clients) and
// exposes renderCard(json, options) → { warnings, problems, width, height }: the renderer's own events, and
// what a person would see wrong (DESIGN §9): text under 4.5:1 against its background, clipped or squeezed
// text, cut button titles, anything wider than the card.
(function () {
  const AC = window.AdaptiveCards;

  class CodeBlock extends AC.CardElement {
    getJsonTypeName() {
      return 'CodeBlock';
    }
    getSchemaKey() {
      return 'CodeBlock';
    }
    populateSchema(schema) {
      super.populateSchema(schema);
      schema.add(CodeBlock.codeSnippetProperty, CodeBlock.languageProperty);
    }
    internalRender() {
      const pre = document.createElement('pre');
      pre.className = 'teams-codeblock';
      pre.textContent = this.getValue(CodeBlock.codeSnippetProperty) || '';
      return pre;
    }
  }
  CodeBlock.codeSnippetProperty = new AC.StringProperty(AC.Versions.v1_0, 'codeSnippet');
  CodeBlock.languageProperty = new AC.StringProperty(AC.Versions.v1_0, 'language');
  AC.GlobalRegistry.defaultElements.register('CodeBlock', CodeBlock, AC.Versions.v1_0);

  function rgba(css) {
    const m = /rgba?\(([^)]+)\)/.exec(css);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(',').map((x) => parseFloat(x));
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function over(fg, bg) {
    const a = fg[3];
    return [0, 1, 2].map((i) => fg[i] * a + bg[i] * (1 - a)).concat(1);
  }
  function luminance(c) {
    const ch = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2]);
  }
  /** The opaque background behind an element: its ancestors' backgrounds composed, down to the page. */
  function backgroundOf(el, page) {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
    }
    let bg = page;
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  }
  function contrast(a, b) {
    const la = luminance(a);
    const lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function inspect(host, page) {
    const problems = [];
    const card = host.getBoundingClientRect();
    const snippet = (el) => (el.textContent || '').trim().slice(0, 40);
    for (const el of host.querySelectorAll(
      '.ac-textBlock, .ac-richTextBlock, .ac-fact-title, .ac-fact-value',
    )) {
      const text = (el.textContent || '').trim();
      if (!text || el.offsetParent === null) continue;
      const box = el.getBoundingClientRect();
      const fg = over(rgba(getComputedStyle(el).color), backgroundOf(el, page));
      const ratio = contrast(fg, backgroundOf(el, page));
      if (ratio < 4.5)
        problems.push(
          `contrast ${ratio.toFixed(2)}:1 "${snippet(el)}" (${getComputedStyle(el).color} on ${backgroundOf(el, page).map(Math.round).join(',')})`,
        );
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'visible')
        problems.push(`clipped "${snippet(el)}" (${el.scrollWidth}px in ${el.clientWidth}px)`);
      if (box.right > card.right + 1) problems.push(`overflows the card "${snippet(el)}"`);
      if (box.width < 8) problems.push(`squeezed to ${Math.round(box.width)}px "${snippet(el)}"`);
      const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 20;
      if (!/\s/.test(text) && text.length <= 12 && box.height > lineHeight * 1.6)
        problems.push(`word broken across lines "${text}"`);
    }
    for (const el of host.querySelectorAll('.ac-pushButton')) {
      if (el.offsetParent === null) continue;
      const label = el.querySelector('div') || el;
      if (label.scrollWidth > label.clientWidth + 1 || el.scrollWidth > el.clientWidth + 1)
        problems.push(`button title cut "${(el.textContent || '').trim()}"`);
    }
    return problems;
  }

  window.renderCard = function (json, options) {
    options = options || {};
    const host = document.getElementById('card');
    host.innerHTML = '';
    host.style.width = `${options.width || 720}px`;
    document.body.style.background = options.pageBackground || '#f5f5f5';
    document.body.dataset.theme = options.theme || 'light';
    const card = new AC.AdaptiveCard();
    if (options.hostConfig) card.hostConfig = new AC.HostConfig(options.hostConfig);
    const context = new AC.SerializationContext();
    if (options.withoutCodeBlock) {
      context.setElementRegistry(new AC.CardObjectRegistry());
      AC.GlobalRegistry.populateWithDefaultElements(context.elementRegistry);
      context.elementRegistry.unregister('CodeBlock');
    }
    card.parse(json, context);
    const warnings = [];
    for (let i = 0; i < context.eventCount; i++) warnings.push(context.getEventAt(i).message);
    for (const e of card.validateProperties().validationEvents) warnings.push(e.message);
    const element = card.render();
    if (!element) warnings.push('the renderer produced nothing');
    else host.appendChild(element);
    const problems = options.inspect ? inspect(host, [255, 255, 255, 1]) : [];
    const box = host.getBoundingClientRect();
    const text = host.innerText;
    return { warnings, problems, width: box.width, height: box.height, text };
  };
})();
