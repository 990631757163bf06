/** A view that isn't built yet says what it will do. */
export function PlaceholderView({ title, text }: { title: string; text: string }) {
  return (
    <section className="view">
      <header className="view-header">
        <div>
          <h1>{title}</h1>
          <p className="view-subtitle">{text}</p>
        </div>
      </header>
    </section>
  );
}
