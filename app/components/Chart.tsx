// Shows a chart figure rendered on the server (app/charts). The markup is ours, built from
// escaped text and Plot's SVG, so inserting it as HTML is safe.
export function Chart({ html }: { html: string }) {
  return <div className="app-chart-container" dangerouslySetInnerHTML={{ __html: html }} />;
}
