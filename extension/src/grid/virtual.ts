// A virtualized grid: only the rows in view (and one either side) exist in the DOM, so a
// page of 2,000 images costs as much as one screenful.

/** Lays out `count` same-sized cells in rows (`cellW` is the least width of a cell, `gap`
 * the space between cards) and builds only the visible ones. */
export class VirtualGrid {
  private count = 0;
  private readonly rendered = new Map<number, HTMLElement>();
  private frame = 0;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly spacer: HTMLElement,
    private readonly build: (index: number) => HTMLElement,
    private readonly cellW: number,
    private readonly cellH: number,
    private readonly gap: number,
  ) {
    scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => this.schedule()).observe(scroller);
  }

  private columns(): number {
    return Math.max(1, Math.floor(this.scroller.clientWidth / this.cellW));
  }

  /** Shows `count` cells; every visible card is rebuilt (its data may have changed). */
  reset(count: number): void {
    this.count = count;
    this.clear();
    this.render();
  }

  /** Rebuilds the visible cards in place, e.g. after a probe or a selection change. */
  refresh(): void {
    this.clear();
    this.render();
  }

  /** Scrolls so that cell `index` is in view. */
  reveal(index: number): void {
    const row = Math.floor(index / this.columns());
    this.scroller.scrollTop = row * this.cellH;
    this.render();
  }

  private clear(): void {
    for (const el of this.rendered.values()) el.remove();
    this.rendered.clear();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const cols = this.columns();
    const rows = Math.ceil(this.count / cols);
    this.spacer.style.height = `${rows * this.cellH}px`;
    const top = this.scroller.scrollTop;
    const first = Math.max(0, Math.floor(top / this.cellH) - 1);
    const last = Math.min(rows - 1, Math.ceil((top + this.scroller.clientHeight) / this.cellH));
    const from = first * cols;
    const to = Math.min(this.count, (last + 1) * cols);
    for (const [i, el] of this.rendered) {
      if (i < from || i >= to) {
        el.remove();
        this.rendered.delete(i);
      }
    }
    // Columns share the width: the cells stretch, never below their minimum width.
    const cellW = this.scroller.clientWidth / cols;
    for (let i = from; i < to; i++) {
      if (this.rendered.has(i)) continue;
      const el = this.build(i);
      el.style.width = `${cellW - this.gap}px`;
      el.style.left = `${(i % cols) * cellW}px`;
      el.style.top = `${Math.floor(i / cols) * this.cellH}px`;
      this.spacer.append(el);
      this.rendered.set(i, el);
    }
  }
}
