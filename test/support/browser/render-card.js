// Runs inside Chromium, after adaptivecards.min.js. Registers Teams' CodeBlock element (the JS renderer
// does not ship it) and exposes renderCard(json) → { warnings, width, height }.
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

  window.renderCard = function (json) {
    const host = document.getElementById('card');
    host.innerHTML = '';
    const card = new AC.AdaptiveCard();
    const context = new AC.SerializationContext();
    card.parse(json, context);
    const warnings = [];
    for (let i = 0; i < context.eventCount; i++) warnings.push(context.getEventAt(i).message);
    for (const e of card.validateProperties().validationEvents) warnings.push(e.message);
    const element = card.render();
    if (!element) warnings.push('the renderer produced nothing');
    else host.appendChild(element);
    const box = host.getBoundingClientRect();
    return { warnings, width: box.width, height: box.height };
  };
})();
