using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace LogBroker.Lbctl.Output;

/// <summary>
/// A table for people, kubectl-style: a header row and aligned columns, no borders, no trailing
/// spaces, so it also greps and cuts well. Cells are literal text (never Spectre markup, so a config
/// value with brackets prints as it is); numbers are right-aligned and formatted invariantly.
/// </summary>
internal sealed class HumanTable
{
    private const int ColumnGap = 3;

    private readonly Table _table = new() { Border = TableBorder.None };

    public HumanTable(params string[] headers)
    {
        foreach (var header in headers)
        {
            _table.AddColumn(new TableColumn(new Text(header)).PadLeft(0).PadRight(ColumnGap));
        }
    }

    public HumanTable Row(params object?[] cells)
    {
        var rendered = new IRenderable[cells.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            rendered[i] = new Text(Format(cells[i]));
            if (cells[i] is int or long)
            {
                _table.Columns[i].RightAligned();
            }
        }

        _table.AddRow(rendered);
        return this;
    }

    /// <summary>Renders at the console's width and writes the lines through it, each trimmed at the end.</summary>
    public void WriteTo(IAnsiConsole console)
    {
        foreach (var line in Segment.SplitLines(_table.GetSegments(console)))
        {
            console.WriteLine(string.Concat(line.Select(s => s.Text)).TrimEnd());
        }
    }

    private static string Format(object? cell) => cell switch
    {
        null => "-",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? string.Empty,
    };
}
