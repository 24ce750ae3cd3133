import { describe, expect, it } from 'vitest';
import { isFieldTemplate, parseFieldTemplate, renderFieldTemplate } from '../../src/extract/field-template.ts';
import { SelScraperError } from '../../src/errors.ts';

function render(text: string, data: unknown) {
  return renderFieldTemplate(parseFieldTemplate(text, 'rest.field_map.start_date'), data);
}

describe('field templates', () => {
  it('tells a template from a dot path by the presence of {{', () => {
    expect(isFieldTemplate('{{.start_date}}T{{.start_time}}')).toBe(true);
    expect(isFieldTemplate('primary_venue.name')).toBe(false);
  });

  it('joins literal text and field references as the Eventbrite configs write them', () => {
    expect(render('{{.start_date}}T{{.start_time}}', { start_date: '2026-12-05', start_time: '19:30' })).toEqual({ ok: true, value: '2026-12-05T19:30' });
  });

  it('follows nested objects and allows spaces inside the braces', () => {
    expect(render('https://x.test/{{ .venue.slug }}/', { venue: { slug: 'hall' } })).toEqual({ ok: true, value: 'https://x.test/hall/' });
  });

  it('reports the first missing key instead of rendering a partial value', () => {
    expect(render('{{.start_date}}T{{.start_time}}', { start_date: '2026-12-05' })).toEqual({ ok: false, missing: '.start_time' });
  });

  it('treats a null field as missing rather than printing Go\'s "<no value>"', () => {
    expect(render('{{.slug}}', { slug: null })).toEqual({ ok: false, missing: '.slug' });
  });

  it('prints numbers plainly where Go would print 1.234567e+06', () => {
    expect(render('https://x.test/e/{{.id}}', { id: 1234567 })).toEqual({ ok: true, value: 'https://x.test/e/1234567' });
  });

  it("honours Go's {{- and -}} whitespace trimming", () => {
    expect(render('a  {{- .x -}}  b', { x: 'X' })).toEqual({ ok: true, value: 'aXb' });
  });

  it('refuses pipes and functions with a message naming the config key', () => {
    const attempt = () => parseFieldTemplate('{{.name | printf "%s"}}', 'rest.url_template');
    expect(attempt).toThrow(SelScraperError);
    expect(attempt).toThrow(/rest\.url_template: invalid template .*unsupported action/);
  });

  it('refuses an action that is never closed', () => {
    expect(() => parseFieldTemplate('https://x.test/{{.slug', 'rest.url_template')).toThrow(/unclosed action/);
  });
});
