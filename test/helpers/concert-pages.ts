/** A page whose JSON-LD @graph holds `events`, as the scrape-all tests serve it. */
export function eventsPage(events: object[]): string {
  return `<html><head><script type="application/ld+json">${JSON.stringify({ '@context': 'https://schema.org', '@graph': events })}</script></head><body></body></html>`;
}

/** Concert n on 2027-01-n at 20:00 (no offset: read in the source's zone), at The Hall in Toronto. */
export function concert(n: number, extra: object = {}): object {
  return {
    '@type': 'MusicEvent',
    name: `Concert ${n}`,
    description: 'Live music.',
    startDate: `2027-01-${String(n).padStart(2, '0')}T20:00:00`,
    url: `/events/concert-${n}`,
    location: { '@type': 'Place', name: 'The Hall', address: { streetAddress: '1 Queen St', addressLocality: 'Toronto', addressRegion: 'ON' } },
    ...extra,
  };
}
