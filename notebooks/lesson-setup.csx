// The setup every lesson shares after its first cell: the namespaces the lessons use, and the chart formatter.
// A lesson loads it with `#!import lesson-setup.csx` (.NET Interactive submits it as a cell of its own, so the
// using directives stay in force for the cells after it; Jupyter, VS Code and dotnet-repl all run it); a lesson's
// file-based app inlines it (notebooks/tools/NotebookApps). The package pins stay in each lesson's first cell.
using System.IO;
using Microsoft.DotNet.Interactive.Formatting;
using Farcluss;
using Farcluss.Charts;
using Farcluss.Config;
using Farcluss.Data;
using Farcluss.Evaluation;
using Farcluss.Losses;
using Farcluss.Models;
using Farcluss.Runtime;
using Farcluss.Training;
using TorchSharp;
using static TorchSharp.torch;

// Charts render with no network: plotly.js is written inline with the first chart, and every chart
// is drawn by the page's own copy (Plotly.NET.Interactive would point at a CDN).
Formatter.Register<Plotly.NET.GenericChart>((chart, writer) => writer.Write(OfflinePlotly.NotebookHtml(chart)), HtmlFormatter.MimeType);
