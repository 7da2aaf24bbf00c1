package dev.lanyard.session.servlet;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * What a {@code web.xml} declares about listeners: the {@code <listener-class>} of each
 * {@code <listener>}, and whether the descriptor is {@code metadata-complete} (then the container
 * ignores {@code @WebListener}). Parsed with the JDK's own parser (never one the application
 * bundles), with external DTDs, external entities and XInclude off: a descriptor cannot make the
 * parser fetch anything (an internal DTD subset is read, and its external entities are not).
 *
 * @param classNames the declared listener classes, in document order
 * @param metadataComplete whether annotations are to be ignored
 */
record WebXmlListeners(List<String> classNames, boolean metadataComplete) {

    /** No descriptor. */
    static final WebXmlListeners NONE = new WebXmlListeners(List.of(), false);

    WebXmlListeners {
        classNames = List.copyOf(classNames);
    }

    /**
     * Parses a descriptor.
     *
     * @param webXml the descriptor's bytes; not closed
     * @return what it declares
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is not well-formed XML
     */
    static WebXmlListeners parse(InputStream webXml) throws IOException {
        Document document;
        try {
            document = builder().parse(webXml);
        } catch (SAXException e) {
            throw new IllegalArgumentException("web.xml is not well-formed XML", e);
        }
        Element root = document.getDocumentElement();
        boolean complete =
                "true".equalsIgnoreCase(root.getAttribute("metadata-complete").trim());
        List<String> names = new ArrayList<>();
        NodeList children = root.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node child = children.item(i);
            if (child instanceof Element listener && "listener".equals(localName(listener))) {
                NodeList parts = listener.getChildNodes();
                for (int j = 0; j < parts.getLength(); j++) {
                    if (parts.item(j) instanceof Element part && "listener-class".equals(localName(part))) {
                        String name = part.getTextContent().trim();
                        if (!name.isEmpty()) {
                            names.add(name);
                        }
                    }
                }
            }
        }
        return new WebXmlListeners(names, complete);
    }

    private static String localName(Element e) {
        return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
    }

    private static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler()); // fatal errors throw; nothing is printed
            return builder;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a required feature", e);
        }
    }
}
