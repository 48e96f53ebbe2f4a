using LogBroker.Tools.Reporting;
using Xunit;

namespace LogBroker.Faultlab.Tests;

/// <summary>What faultlab's timeline needs of the shared chart: fault bands and lines that break where there is no data.</summary>
public class SvgLineChartTests
{
    [Fact]
    public void A_band_is_shaded_behind_the_lines_with_its_label_and_a_tooltip()
    {
        var svg = new SvgLineChart("c", "s", "v", SvgLineChart.XAxis.Linear)
            .Add("line", "#000", [(0, 1), (10, 2)])
            .AddBand("#1 kill", "#1 kill -9 node 1", "#d62728", 2, 4)
            .Render();

        Assert.Contains("<title>#1 kill -9 node 1</title>", svg, StringComparison.Ordinal);
        Assert.Contains(">#1 kill</text>", svg, StringComparison.Ordinal);
        Assert.True(svg.IndexOf("class=\"band\"", StringComparison.Ordinal) < svg.IndexOf("class=\"series\"", StringComparison.Ordinal));
    }

    [Fact]
    public void A_nan_value_breaks_the_line_instead_of_bridging_the_gap()
    {
        var svg = new SvgLineChart("c", "s", "v", SvgLineChart.XAxis.Linear)
            .Add("latency", "#000", [(0, 1), (1, 2), (2, double.NaN), (3, double.NaN), (4, 3), (5, 1)])
            .Render();

        Assert.Equal(2, svg.Split("<polyline class=\"series\"").Length - 1);
        Assert.DoesNotContain("NaN", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void A_point_alone_between_gaps_is_drawn_as_a_dot()
    {
        var svg = new SvgLineChart("c", "s", "v", SvgLineChart.XAxis.Linear)
            .Add("latency", "#000", [(0, double.NaN), (1, 5), (2, double.NaN)])
            .Render();

        Assert.Single(svg.Split("<circle class=\"series\"").Skip(1));
        Assert.DoesNotContain("<polyline class=\"series\"", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void A_fixed_x_range_is_kept_whatever_the_data()
    {
        var svg = new SvgLineChart("c", "s", "v", SvgLineChart.XAxis.Linear).WithXMax(100).Add("line", "#000", [(0, 1), (10, 1)]).Render();

        Assert.Contains(">100</text>", svg, StringComparison.Ordinal);
    }
}
