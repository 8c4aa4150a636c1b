/** New campaign: not built yet in this slice; the CLI does it (`clipcast publish`). */
export function NewCampaignPage(_props: { onCreated: (text: string) => void }) {
  return (
    <div>
      <h2>New campaign</h2>
      <p>
        Plan one from a CLIPER folder with <code>clipcast publish &lt;folder&gt; --dry-run</code>, then
        without <code>--dry-run</code>.
      </p>
    </div>
  );
}
