import { cardSummary } from '../../../src/cards/every-client';

describe('cardSummary', () => {
  it('is the first two non-blank texts in order, however deep, never a fallback', () => {
    const card = {
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: '   ' },
        {
          type: 'Container',
          fallback: { type: 'TextBlock', text: 'not this' },
          items: [
            {
              type: 'ColumnSet',
              columns: [{ items: [{ type: 'TextBlock', text: ' contoso.com ' }] }],
            },
            { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'CRITICAL' }] },
          ],
        },
        { type: 'TextBlock', text: 'not this either' },
      ],
    };
    expect(cardSummary(card)).toBe('contoso.com — CRITICAL');
  });

  it('is cut at 250 characters', () => {
    const card = { body: [{ type: 'TextBlock', text: 'x'.repeat(300) }] };
    expect(cardSummary(card)).toHaveLength(250);
  });
});
