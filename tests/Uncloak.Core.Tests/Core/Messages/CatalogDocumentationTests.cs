using Uncloak.Core.Messages;
using Xunit;

namespace Uncloak.Core.Tests.Messages;

public sealed class CatalogDocumentationTests
{
    /// <summary>docs/catalog.md is generated from the code; this fails when a family is added or retitled without regenerating it.</summary>
    [Fact]
    public void The_generated_catalog_document_lists_every_family_as_the_code_describes_it()
    {
        var root = AppContext.BaseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "Uncloak.slnx")))
        {
            root = Path.GetDirectoryName(root);
        }
        Assert.NotNull(root);
        var doc = File.ReadAllText(Path.Combine(root!, "docs", "catalog.md"));
        foreach (var family in MessageCatalog.Families)
        {
            Assert.Contains("## " + family.Title, doc);
            Assert.Contains(family.Printing, doc);
        }
    }
}
