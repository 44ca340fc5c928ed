import { registry } from "@web/core/registry";

function fillAndSubmitForm(name) {
    return [
        {
            content: "Open the public complaint form",
            trigger: "form.o_complaint_form",
        },
        {
            content: "Give the complainant's name",
            trigger: "input[name=complainant_name]",
            run: `edit ${name}`,
        },
        {
            content: "Give a phone number",
            trigger: "input[name=complainant_phone]",
            run: "edit 13912345678",
        },
        {
            content: "Choose the complaint type",
            trigger: "select[name=category_id]",
            run: "selectByIndex 3",
        },
        {
            content: "Sum it up",
            trigger: "input[name=subject]",
            run: "edit 交易系统卡顿",
        },
        {
            content: "Describe what happened",
            trigger: "textarea[name=description]",
            run: "edit 3月2日上午交易软件无法下单，导致错过卖出时机。",
        },
        {
            content: "Agree to the processing of personal data",
            trigger: "input[name=consent]",
            run: "click",
        },
        {
            content: "Submit the complaint",
            trigger: "button.o_complaint_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The reference is shown",
            trigger: ".o_complaint_web_form_thanks .o_complaint_reference:contains(/^\\S+$/)",
        },
        {
            content: "Follow the complaint",
            trigger: "a.o_complaint_follow",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The complaint opens in the portal",
            trigger: ".o_complaint_portal .o_complaint_portal_reference",
        },
        {
            content: "What was written is there",
            trigger: ".o_complaint_portal:contains(错过卖出时机)",
        },
        {
            content: "The discussion is there to write to the firm",
            trigger: "#complaint_chat .o_portal_chatter",
        },
    ];
}

registry.category("web_tour.tours").add("huatai_complaint_web_form_public", {
    url: "/complaints/new",
    steps: () => fillAndSubmitForm("游客张三"),
});

registry.category("web_tour.tours").add("huatai_complaint_web_form_portal", {
    url: "/complaints/new",
    steps: () => [
        ...fillAndSubmitForm("李明"),
        {
            content: "Back to the list of my complaints",
            trigger: ".o_portal_submenu a[href='/my/complaints']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The new complaint is listed",
            trigger: "a.o_complaint_portal_link",
        },
    ],
});
