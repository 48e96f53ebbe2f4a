using System.Globalization;
using System.Text;

namespace LogBroker.Tools.Reporting;

/// <summary>
/// A small line chart rendered as inline SVG (no script, no external resource): linear y from zero,
/// and an x axis that is either linear (time) or the percentile spectrum, where x = log10(1/(1-p)) so
/// 90%, 99%, 99.9%... are evenly spaced, as HdrHistogram's plots draw latency distributions. On a
/// linear axis, bands (x ranges such as the time a fault lasted) are shaded behind the lines and
/// labelled at the top, as a Jepsen report draws its nemesis activity under latency plots.
/// </summary>
public sealed class SvgLineChart(string id, string xLabel, string yLabel, SvgLineChart.XAxis xAxis)
{
    private const int Width = 880;
    private const int Height = 320;
    private const int Left = 72;
    private const int Right = 150;
    private const int Top = 16;
    private const int Bottom = 44;
    private readonly List<(string Name, string Color, bool Dashed, IReadOnlyList<(double X, double Y)> Points)> _series = [];
    private readonly List<(string Label, string Title, string Color, double From, double To)> _bands = [];
    private double? _xMax;

    public enum XAxis
    {
        Linear,

        /// <summary>x values are percentiles (0 to 100).</summary>
        PercentileSpectrum,
    }

    public bool IsEmpty => _series.All(s => s.Points.Count == 0);

    /// <summary>
    /// Shades x from <paramref name="from"/> to <paramref name="to"/> behind the lines (linear axis only),
    /// with <paramref name="label"/> at its top and <paramref name="title"/> as its tooltip.
    /// </summary>
    public SvgLineChart AddBand(string label, string title, string color, double from, double to)
    {
        _bands.Add((label, title, color, from, Math.Max(from, to)));
        return this;
    }

    /// <summary>Fixes the right end of a linear x axis (otherwise the largest x of any line or band), so charts of one run line up.</summary>
    public SvgLineChart WithXMax(double xMax)
    {
        _xMax = xMax;
        return this;
    }

    /// <param name="points">The line's points; a y of NaN breaks the line there (no data).</param>
    /// <param name="dashed">Draw dashed, so a line that coincides with another stays visible.</param>
    public SvgLineChart Add(string name, string color, IEnumerable<(double X, double Y)> points, bool dashed = false)
    {
        _series.Add((name, color, dashed, points.ToList()));
        return this;
    }

    public string Render()
    {
        var points = _series.SelectMany(s => s.Points).Where(p => !double.IsNaN(p.Y)).ToList();
        var xMax = xAxis == XAxis.PercentileSpectrum ? SpectrumMax(points) : Math.Max(1, _xMax ?? points.Select(p => p.X).Concat(_bands.Select(b => b.To)).DefaultIfEmpty(1).Max());
        var yStep = NiceStep(points.Count == 0 ? 1 : points.Max(p => p.Y));
        var yMax = yStep * Math.Max(1, Math.Ceiling((points.Count == 0 ? 1 : points.Max(p => p.Y)) / yStep));
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double Px(double x) => Left + (plotWidth * Math.Clamp(Position(x), 0, xMax) / xMax);
        double Py(double y) => Top + plotHeight - (plotHeight * Math.Clamp(y, 0, yMax) / yMax);

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg id=\"{id}\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">"));
        for (var y = 0.0; y <= yMax + (yStep / 2); y += yStep)
        {
            svg.Append(Invariant($"<line x1=\"{Left}\" x2=\"{Left + plotWidth}\" y1=\"{Py(y):F1}\" y2=\"{Py(y):F1}\" stroke=\"#ddd\"/>"));
            svg.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{Py(y) + 4:F1}\" text-anchor=\"end\">{FormatValue(y)}</text>"));
        }

        if (xAxis == XAxis.Linear)
        {
            AppendBands(svg, Px, plotHeight);
        }

        foreach (var (position, label) in XTicks(xMax))
        {
            var x = Left + (plotWidth * position / xMax);
            svg.Append(Invariant($"<line x1=\"{x:F1}\" x2=\"{x:F1}\" y1=\"{Top}\" y2=\"{Top + plotHeight}\" stroke=\"#eee\"/>"));
            svg.Append(Invariant($"<text x=\"{x:F1}\" y=\"{Top + plotHeight + 16}\" text-anchor=\"middle\">{label}</text>"));
        }

        svg.Append(Invariant($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotWidth}\" height=\"{plotHeight}\" fill=\"none\" stroke=\"#999\"/>"));
        svg.Append(Invariant($"<text x=\"{Left + (plotWidth / 2)}\" y=\"{Height - 6}\" text-anchor=\"middle\">{Html.Text(xLabel)}</text>"));
        svg.Append(Invariant($"<text transform=\"translate(14 {Top + (plotHeight / 2)}) rotate(-90)\" text-anchor=\"middle\">{Html.Text(yLabel)}</text>"));
        for (var i = 0; i < _series.Count; i++)
        {
            var (name, color, dashed, series) = _series[i];
            var dash = dashed ? " stroke-dasharray=\"6 4\"" : string.Empty;
            if (series.Count > 0)
            {
                // A point with y = NaN is a gap: the line stops before it and starts again after it; a
                // point alone between gaps is drawn as a dot, or it would not show at all.
                var run = new List<(double X, double Y)>();
                var gaps = series.Any(p => double.IsNaN(p.Y));
                foreach (var point in series.Append((X: double.NaN, Y: double.NaN)))
                {
                    if (!double.IsNaN(point.Y))
                    {
                        run.Add(point);
                        continue;
                    }

                    if (run.Count == 1 && gaps)
                    {
                        svg.Append(Invariant($"<circle class=\"series\" cx=\"{Px(run[0].X):F1}\" cy=\"{Py(run[0].Y):F1}\" r=\"2.5\" fill=\"{color}\"/>"));
                    }
                    else if (run.Count > 0)
                    {
                        svg.Append(Invariant($"<polyline class=\"series\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{dash} points=\""));
                        foreach (var (x, y) in run)
                        {
                            svg.Append(Invariant($"{Px(x):F1},{Py(y):F1} "));
                        }

                        svg.Append("\"/>");
                    }

                    run.Clear();
                }
            }

            var legendY = Top + 12 + (i * 18);
            svg.Append(Invariant($"<line x1=\"{Width - Right + 10}\" x2=\"{Width - Right + 28}\" y1=\"{legendY - 6}\" y2=\"{legendY - 6}\" stroke=\"{color}\" stroke-width=\"3\"{dash}/>"));
            svg.Append(Invariant($"<text x=\"{Width - Right + 32}\" y=\"{legendY - 2}\">{Html.Text(name)}</text>"));
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Bands under everything else; labels alternate between two rows so neighbours stay readable.</summary>
    private void AppendBands(StringBuilder svg, Func<double, double> px, int plotHeight)
    {
        for (var i = 0; i < _bands.Count; i++)
        {
            var (label, title, color, from, to) = _bands[i];
            var x = px(from);
            var width = Math.Max(1, px(to) - x);
            svg.Append(Invariant($"<rect class=\"band\" x=\"{x:F1}\" y=\"{Top}\" width=\"{width:F1}\" height=\"{plotHeight}\" fill=\"{color}\" fill-opacity=\"0.18\"><title>{Html.Text(title)}</title></rect>"));
            svg.Append(Invariant($"<text x=\"{x + 2:F1}\" y=\"{Top + 11 + (i % 2 * 12)}\" font-size=\"9\" fill=\"{color}\">{Html.Text(label)}</text>"));
        }
    }

    private double Position(double x) => xAxis == XAxis.PercentileSpectrum ? SpectrumPosition(x) : x;

    /// <summary>log10(1/(1-p)): 0 at 0%, 1 at 90%, 2 at 99%, 3 at 99.9%; 100% itself sits at the right edge.</summary>
    private static double SpectrumPosition(double percentile) =>
        percentile >= 100 ? double.MaxValue : Math.Log10(100 / (100 - percentile));

    private static double SpectrumMax(List<(double X, double Y)> points)
    {
        var below100 = points.Where(p => p.X < 100).Select(p => SpectrumPosition(p.X)).DefaultIfEmpty(0).Max();
        return Math.Max(2, Math.Ceiling(below100 + 0.25));
    }

    private IEnumerable<(double Position, string Label)> XTicks(double xMax)
    {
        if (xAxis == XAxis.PercentileSpectrum)
        {
            for (var decade = 0; decade <= xMax; decade++)
            {
                var percentile = 100 - (100 / Math.Pow(10, decade));
                yield return (decade, Invariant($"{percentile.ToString("0.#####", CultureInfo.InvariantCulture)}%"));
            }

            yield break;
        }

        var step = NiceStep(xMax);
        for (var x = 0.0; x <= xMax + (step / 2); x += step)
        {
            yield return (x, FormatValue(x));
        }
    }

    /// <summary>A 1, 2 or 5 times power of ten that cuts <paramref name="max"/> into at most about six steps.</summary>
    public static double NiceStep(double max)
    {
        if (max <= 0 || double.IsNaN(max))
        {
            return 1;
        }

        var raw = max / 6;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var normalized = raw / magnitude;
        return magnitude * (normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 5 ? 5 : 10);
    }

    private static string FormatValue(double value) => value switch
    {
        >= 1e6 => Invariant($"{value / 1e6:0.##}M"),
        >= 1e3 => Invariant($"{value / 1e3:0.##}k"),
        _ => Invariant($"{value:0.###}"),
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
